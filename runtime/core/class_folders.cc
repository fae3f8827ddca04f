#include "runtime/core/class_folders.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "runtime/core/plugin_path.h"

namespace datablox {
namespace {

namespace fs = std::filesystem;

std::string Resolved(std::string_view folder) {
  std::error_code ec;
  fs::path path = fs::absolute(fs::path(folder), ec);
  if (ec) return "";
  fs::path canonical = fs::weakly_canonical(path, ec);
  return (ec ? path.lexically_normal() : canonical).string();
}

bool Inside(const std::string& folder, const std::string& allowed) {
  if (allowed == "/") return true;
  if (folder.size() < allowed.size() || folder.compare(0, allowed.size(), allowed) != 0) return false;
  return folder.size() == allowed.size() || folder[allowed.size()] == '/';
}

}  // namespace

ClassFolders::ClassFolders(const std::vector<std::string>& allowed) {
  for (const std::string& folder : allowed) {
    if (folder.empty()) continue;
    std::string resolved = Resolved(folder);
    while (resolved.size() > 1 && resolved.back() == '/') resolved.pop_back();
    if (!resolved.empty() && std::find(allowed_.begin(), allowed_.end(), resolved) == allowed_.end())
      allowed_.push_back(std::move(resolved));
  }
}

ClassFolders ClassFolders::FromFlagsAndEnvironment(const std::vector<std::string>& flags) {
  std::vector<std::string> allowed = flags;
  for (const char* variable : {kClassPathVariable, "DATABLOX_PYTHONPATH"}) {
    if (const char* value = std::getenv(variable)) {
      for (std::string& folder : plugin::SplitPathList(value)) allowed.push_back(std::move(folder));
    }
  }
  return ClassFolders(allowed);
}

bool ClassFolders::Allows(std::string_view folder) const {
  if (folder.empty()) return false;
  std::string resolved = Resolved(folder);
  return std::any_of(allowed_.begin(), allowed_.end(),
                     [&](const std::string& allowed) { return Inside(resolved, allowed); });
}

std::vector<std::string> ClassFolders::SearchPath(const std::vector<std::string>& requested,
                                                  std::vector<std::string>* refused) const {
  std::vector<std::string> kept;
  for (const std::string& folder : requested) {
    if (Allows(folder)) kept.push_back(folder);
    else if (refused) refused->push_back(folder);
  }
  return kept;
}

std::string ClassFolders::Describe() const {
  return allowed_.empty() ? "none" : fmt::format("{}", fmt::join(allowed_, ":"));
}

std::string RefusedFoldersNote(const std::vector<std::string>& refused, const ClassFolders& folders) {
  return fmt::format(
      "class folder{} {} not allowed here (allowed: {}); the operator allows a folder with --class-path DIR or ${} "
      "on the master and on every caretaker",
      refused.size() == 1 ? "" : "s", fmt::join(refused, ", "), folders.Describe(), kClassPathVariable);
}

}  // namespace datablox
