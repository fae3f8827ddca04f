#include "elements/json_lines_sink.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace datablox {

ClassSpec JsonLinesSink::spec() {
  return ClassSpec("JsonLinesSink", "writes every log to a JSON Lines file, one JSON object per line")
      .describe("Written to PATH.partial, renamed to PATH once all inputs have ended and the data is "
                "on disk: a file at PATH is always complete.")
      .push_in("in")
      .param_string("path", "the file to write (relative: to the working directory)")
      .handler("count", "logs written");
}

Status JsonLinesSink::configure(const Params& params) {
  add_read_handler("count", [this] { return std::to_string(count_); });
  Status st = params.read("path", path_).status();
  partial_ = path_ + ".partial";
  return st;
}

Status JsonLinesSink::start() {
  file_ = std::fopen(partial_.c_str(), "wb");
  if (!file_) return Status::IOError(fmt::format("cannot write '{}': {}", partial_, std::strerror(errno)));
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  return Status::OK();
}

void JsonLinesSink::on_batch(int, Batch logs) {
  text_.clear();
  for (const Log& log : logs) {
    if (!log.valid()) {
      reject("not a msgpack map");
      continue;
    }
    text_ += log.to_json();
    text_ += '\n';
    ++count_;
  }
  if (std::fwrite(text_.data(), 1, text_.size(), file_) != text_.size()) {
    fail(Status::IOError(fmt::format("writing '{}': {}", partial_, std::strerror(errno))));
  }
}

void JsonLinesSink::on_inputs_ended() {
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) {
    fail(Status::IOError(fmt::format("flushing '{}': {}", partial_, std::strerror(errno))));
    return;
  }
  std::fclose(file_);
  file_ = nullptr;
  if (std::rename(partial_.c_str(), path_.c_str()) != 0) {
    fail(Status::IOError(fmt::format("renaming '{}' to '{}': {}", partial_, path_, std::strerror(errno))));
  }
}

void JsonLinesSink::stop() {
  if (file_) std::fclose(file_);  // stopped early: the .partial file stays, PATH is not written
  file_ = nullptr;
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::JsonLinesSink)
