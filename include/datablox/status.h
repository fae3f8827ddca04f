// Errors are values (LevelDB's Status): nothing throws across a process or a
// port boundary. A Status is cheap to copy when ok().
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace datablox {

class Status {
 public:
  enum class Code { kOk, kInvalid, kNotFound, kIOError, kTimeout, kUnavailable, kInternal, kPermissionDenied };

  Status() = default;
  static Status OK() { return Status(); }
  static Status Invalid(std::string_view msg) { return Status(Code::kInvalid, msg); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status IOError(std::string_view msg) { return Status(Code::kIOError, msg); }
  static Status Timeout(std::string_view msg) { return Status(Code::kTimeout, msg); }
  static Status Unavailable(std::string_view msg) { return Status(Code::kUnavailable, msg); }
  static Status Internal(std::string_view msg) { return Status(Code::kInternal, msg); }
  // A peer said no to who we are (a key it does not allow, a role too small).
  static Status PermissionDenied(std::string_view msg) { return Status(Code::kPermissionDenied, msg); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsTimeout() const { return code_ == Code::kTimeout; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  const std::string& message() const;
  // "Invalid: message", or "OK".
  std::string ToString() const;

 private:
  Status(Code code, std::string_view msg) : code_(code), msg_(std::make_shared<const std::string>(msg)) {}
  Code code_ = Code::kOk;
  std::shared_ptr<const std::string> msg_;  // null when ok: OK costs nothing
};

}  // namespace datablox
