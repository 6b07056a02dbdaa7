// A scratch folder for one test that disappears with it.
#pragma once

#include <string>

namespace tonearm::testing {

// Creates a fresh, empty folder "tonearm-test-XXXXXX" under $TMPDIR (or /tmp)
// on construction and removes it with everything inside on destruction.
// Construction aborts the test binary (with a message on stderr) if the
// folder cannot be created, since no test can run without it. Not copyable;
// use from one thread at a time.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    // Absolute path of the folder, without a trailing slash.
    const std::string& path() const { return path_; }

    // path() + "/" + name; creates nothing.
    std::string Join(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

}  // namespace tonearm::testing
