// The folders a daemon loads user classes from (Python modules, C++ plugins
// named NAME.datablox.so): its operator's choice, never a topology's. A
// submitted topology says where its classes are (its file's folder, the
// submitter's DATABLOX_PYTHONPATH); the master and every caretaker keep only
// those folders that lie in one they were told to allow.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace datablox {

// The variable of allowed class folders, ':'-separated (also --class-path).
inline constexpr const char* kClassPathVariable = "DATABLOX_CLASS_PATH";

class ClassFolders {
 public:
  ClassFolders() = default;
  // Each folder made absolute, symlinks and ".." resolved (as far as it
  // exists), so that "/allowed/../etc" is not inside "/allowed".
  explicit ClassFolders(const std::vector<std::string>& allowed);
  // --class-path flags, then $DATABLOX_CLASS_PATH, then $DATABLOX_PYTHONPATH
  // of this daemon (its operator's, like the flags).
  static ClassFolders FromFlagsAndEnvironment(const std::vector<std::string>& flags);

  // `folder` is an allowed folder or lies inside one.
  bool Allows(std::string_view folder) const;
  // The requested folders that are allowed, in their order; the others are
  // appended to *refused (when given).
  std::vector<std::string> SearchPath(const std::vector<std::string>& requested,
                                      std::vector<std::string>* refused = nullptr) const;
  const std::vector<std::string>& allowed() const { return allowed_; }
  // "none" or the folders, ':'-separated: for a daemon's start-up line and errors.
  std::string Describe() const;

 private:
  std::vector<std::string> allowed_;
};

// The message for a topology whose class folders were refused, naming them
// and the way to allow them.
std::string RefusedFoldersNote(const std::vector<std::string>& refused, const ClassFolders& folders);

}  // namespace datablox
