// A fresh folder for one test, removed with everything in it afterwards.
#pragma once

#include <stdlib.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace datablox::samplestore {

class TestDir {
 public:
  TestDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "samplestore-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TestDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::filesystem::path file = std::filesystem::path(path_) / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }

 private:
  std::string path_;
};

// TEXT as one gzip member (what `gzip` writes), for the tests of .gz files.
inline std::string Gzip(const std::string& text) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // +16: a gzip header
  std::string out(deflateBound(&z, text.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// The schema of topologies/unity.brio, version 1 (no segments).
inline constexpr const char* kUnitySchema = R"(schema unity {
  version: 1
  root) user : User
  structure User {
    0) id : string key
    1) country : string
    2) os : string
    3) sessions : vector[Session]
  }
  structure Session {
    0) id : long key
    1) start : long ordinal
    2) events : vector[Event]
  }
  structure Event {
    0) ts : long ordinal
    1) type : string
    2) value : double
  }
}
)";

inline constexpr const char* kFlatView = R"(schema = "unity.brio"
shape = "flat"
location = "data"
load.concurrency = 2

[[level]]
fields = { id = "user", country = "country", os = "os" }
keys = ["id"]
child = "sessions"

[[level]]
fields = { id = "session", start = "session_start" }
keys = ["id"]
child = "events"

[[level]]
fields = { ts = "ts", type = "type", value = "value" }
)";

}  // namespace datablox::samplestore
