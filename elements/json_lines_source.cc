#include "json_lines_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace datablox {

namespace fs = std::filesystem;

ClassSpec JsonLinesSource::spec() {
  return ClassSpec("JsonLinesSource", "emits one log per line of a JSON Lines file, or of every file in a directory")
      .describe(
          "Files of a directory are read in name order; empty lines are skipped. A line that is "
          "not a JSON object is rejected: counted, reported with its file and line, and skipped; "
          "it never stops the source. In a checkpointed topology each file is a stream whose "
          "position is the byte offset read: a rollback reads every file on from its offset at "
          "the checkpoint (a file new since from its start), so no line is emitted twice.")
      .push_out("out")
      .param_string("path", "a .jsonl file or a directory of them (relative: to the working directory)")
      .handler("lines", "lines read")
      .handler("rejected", "lines that were not JSON objects")
      .handler("files", "files opened");
}

Status JsonLinesSource::configure(const Params& params) {
  std::string path;
  Status st = params.read("path", path).status();
  if (!st.ok()) return st;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      if (entry.is_regular_file()) files_.push_back(entry.path().string());
    }
    std::sort(files_.begin(), files_.end());
  } else if (fs::is_regular_file(path, ec)) {
    files_.push_back(path);
  } else {
    return Status::NotFound(fmt::format("no file or directory '{}'", path));
  }
  add_read_handler("lines", [this] { return std::to_string(lines_); });
  add_read_handler("rejected", [this] { return std::to_string(rejected_); });
  add_read_handler("files", [this] { return std::to_string(next_file_); });
  return Status::OK();
}

bool JsonLinesSource::OpenNext() {
  while (next_file_ < files_.size()) {
    current_ = files_[next_file_++];
    file_ = std::fopen(current_.c_str(), "rb");
    line_in_file_ = 0;
    auto restored = offsets_.find(current_);
    if (file_ && restored != offsets_.end() && restored->second > 0 &&
        std::fseek(file_, static_cast<long>(restored->second), SEEK_SET) != 0) {
      fail(Status::IOError(fmt::format("cannot seek '{}' to {}: {}", current_, restored->second, std::strerror(errno))));
      return false;
    }
    if (file_) return true;
    fail(Status::IOError(fmt::format("cannot open '{}': {}", current_, std::strerror(errno))));
    return false;
  }
  return false;
}

Production JsonLinesSource::produce() {
  for (int n = 0; n < 4096; ++n) {
    if (!file_ && !OpenNext()) return Production::Done();
    ssize_t length = ::getline(&line_buffer_, &line_capacity_, file_);
    if (length < 0) {
      bool failed = std::ferror(file_);
      if (!failed) offsets_[current_] = static_cast<uint64_t>(std::ftell(file_));
      std::fclose(file_);
      file_ = nullptr;
      if (failed) {
        fail(Status::IOError(fmt::format("reading '{}' failed after line {}", current_, line_in_file_)));
        return Production::Done();
      }
      continue;
    }
    ++line_in_file_;
    std::string_view line(line_buffer_, static_cast<size_t>(length));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    ++lines_;
    Status st = log_.assign_json(line);
    if (!st.ok()) {
      ++rejected_;
      reject(fmt::format("{}:{}: {}", current_, line_in_file_, st.message()));
      continue;
    }
    emit(log_);
  }
  return Production::More();
}

Status JsonLinesSource::snapshot(std::string* state) {
  if (file_) offsets_[current_] = static_cast<uint64_t>(std::ftell(file_));
  LogBuilder files;
  for (const auto& [file, offset] : offsets_) files.add(file, static_cast<int64_t>(offset));
  LogBuilder position;
  position.add("lines", static_cast<int64_t>(lines_)).add_raw("files", files.bytes());
  state->assign(position.bytes());
  return Status::OK();
}

Status JsonLinesSource::restore(std::string_view state) {
  offsets_.clear();
  lines_ = 0;
  if (state.empty()) return Status::OK();
  OwnedLog position{std::string(state)};
  const Value files = position.log().get("files"), lines = position.log().get("lines");
  if (!position.log().valid() || files.type() != ValueType::kMap || lines.type() != ValueType::kInt) {
    return Status::Invalid("a JsonLinesSource snapshot holds {\"lines\": N, \"files\": {FILE: OFFSET}}");
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if (files.at(i).type() != ValueType::kInt || files.at(i).as_int() < 0) {
      return Status::Invalid(fmt::format("a JsonLinesSource snapshot's offset of '{}' is no offset", files.key_at(i)));
    }
    offsets_[std::string(files.key_at(i))] = static_cast<uint64_t>(files.at(i).as_int());
  }
  lines_ = static_cast<uint64_t>(lines.as_int());
  return Status::OK();
}

void JsonLinesSource::stop() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
  std::free(line_buffer_);
  line_buffer_ = nullptr;
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::JsonLinesSource)
