#include "server-mock/signing_keys.h"

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <map>

#include "core/crypto.h"
#include "core/wire.h"

namespace tonearm::server {
namespace {

Status CreateKeysFile(const std::string& path) {
    Json json{{"active", "k1"}, {"keys", {{"k1", crypto::RandomHex(32)}}}};
    const std::string temp = path + ".new";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << json.dump(2) << "\n";
        if (!out) return MakeError(ErrorCode::kIo, "cannot write " + temp);
    }
    chmod(temp.c_str(), 0600);
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        return MakeError(ErrorCode::kIo, "cannot create " + path);
    }
    return Status::Ok();
}

}  // namespace

Result<std::shared_ptr<const UrlSigner>> LoadOrCreateSigningKeys(const std::string& data_dir) {
    const std::string path = data_dir + "/keys.json";
    std::ifstream in(path);
    if (!in) {
        Status created = CreateKeysFile(path);
        if (!created.ok()) return created.error();
        in.open(path);
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Result<Json> json = ParseJson(text);
    if (!json.ok()) return json.error().Wrap("cannot read " + path);

    std::map<std::string, std::string> keys;
    std::string active;
    try {
        active = json->at("active").get<std::string>();
        for (auto& [id, secret] : json->at("keys").items())
            keys[id] = secret.get<std::string>();
    } catch (const Json::exception&) {
        return MakeError(ErrorCode::kCorrupt, path + " lacks \"active\" or \"keys\"");
    }
    if (keys.count(active) == 0 || keys[active].size() < 32) {
        return MakeError(ErrorCode::kCorrupt, path + ": the active key is missing or too short");
    }
    return std::shared_ptr<const UrlSigner>(std::make_shared<UrlSigner>(std::move(keys), active));
}

}  // namespace tonearm::server
