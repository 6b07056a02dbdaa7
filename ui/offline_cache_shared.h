// Private to OfflineCache: what its two worker threads share.
#pragma once

#include <QString>
#include <memory>
#include <mutex>
#include <string>

#include "player/audio_cache.h"
#include "ui/offline_cache.h"

namespace tonearm::ui {

inline const QString kPlaylistSource = QStringLiteral("playlist:");

inline QString FromStd(const std::string& text) { return QString::fromStdString(text); }

// The cache, opened on first use by whichever worker needs it first.
struct OfflineCache::Shared {
    std::string dir;
    std::mutex mu;
    std::unique_ptr<player::AudioCache> cache;  // guarded by mu; thread-safe itself

    Result<player::AudioCache*> Get() {
        std::lock_guard<std::mutex> lock(mu);
        if (!cache) {
            auto opened = player::AudioCache::Open(dir);
            if (!opened.ok()) return opened.error().Wrap("cannot open the offline cache");
            cache = std::move(*opened);
        }
        return cache.get();
    }
};

}  // namespace tonearm::ui
