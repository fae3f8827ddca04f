#include "runtime/auth/keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <zmq.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <sstream>
#include <vector>

#include "runtime/core/bounded_file.h"

namespace datablox::auth {
namespace {

constexpr size_t kZ85KeyLength = 40;
// A certificate is a few hundred bytes; a bigger file is not one.
constexpr size_t kMaxCertificateBytes = 64 * 1024;

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// `"value"`, `'value'` or a bare value.
std::string Unquote(const std::string& value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
    return value.substr(1, value.size() - 2);
  return value;
}

}  // namespace

Status GenerateCertificate(Certificate* certificate) {
  char public_key[kZ85KeyLength + 1], secret_key[kZ85KeyLength + 1];
  if (zmq_curve_keypair(public_key, secret_key) != 0)
    return Status::Unavailable(
        fmt::format("cannot make a CURVE key pair: {} (libzmq built without CURVE?)", zmq_strerror(zmq_errno())));
  certificate->public_key = public_key;
  certificate->secret_key = secret_key;
  return Status::OK();
}

bool IsZ85Key(const std::string& key) {
  if (key.size() != kZ85KeyLength) return false;
  uint8_t bytes[32];
  return zmq_z85_decode(bytes, key.c_str()) != nullptr;
}

Status ParseCertificate(const std::string& text, const std::string& file, Certificate* certificate) {
  Certificate parsed;
  std::vector<std::string> errors;
  std::istringstream lines(text);
  std::string line, section;
  for (int number = 1; std::getline(lines, line); ++number) {
    std::string content = Trim(line);
    if (content.empty() || content[0] == '#') continue;
    const bool indented = line[0] == ' ' || line[0] == '\t';
    if (!indented) {
      section = content;
      if (section != "metadata" && section != "curve")
        errors.push_back(fmt::format("{}:{}: unknown section '{}' (a certificate has 'metadata' and 'curve')", file,
                                     number, section));
      continue;
    }
    size_t equals = content.find('=');
    if (equals == std::string::npos) {
      errors.push_back(fmt::format("{}:{}: expected NAME = \"VALUE\"", file, number));
      continue;
    }
    std::string name = Trim(content.substr(0, equals));
    std::string value = Unquote(Trim(content.substr(equals + 1)));
    if (section == "metadata") {
      parsed.metadata[name] = value;
    } else if (section == "curve" && (name == "public-key" || name == "secret-key")) {
      if (!IsZ85Key(value)) {
        errors.push_back(fmt::format("{}:{}: {} is not a Z85 key of 40 characters", file, number, name));
        continue;
      }
      (name == "public-key" ? parsed.public_key : parsed.secret_key) = value;
    } else if (section == "curve") {
      errors.push_back(fmt::format("{}:{}: unknown curve property '{}'", file, number, name));
    } else {
      errors.push_back(fmt::format("{}:{}: a property outside a section", file, number));
    }
  }
  if (parsed.public_key.empty() && errors.empty())
    errors.push_back(fmt::format("{}: no public-key in its 'curve' section", file));
  if (!parsed.secret_key.empty() && !parsed.public_key.empty()) {
    char derived[kZ85KeyLength + 1];
    if (zmq_curve_public(derived, parsed.secret_key.c_str()) != 0 || parsed.public_key != derived)
      errors.push_back(fmt::format("{}: its secret-key does not belong to its public-key", file));
  }
  if (!errors.empty()) {
    std::string all;
    for (const std::string& e : errors) all += (all.empty() ? "" : "\n") + e;
    return Status::Invalid(all);
  }
  *certificate = std::move(parsed);
  return Status::OK();
}

Status ReadCertificate(const std::string& path, Certificate* certificate) {
  std::string text;
  BoundedRead read = ReadBoundedFile(path, kMaxCertificateBytes, &text);
  if (read.outcome == BoundedRead::Outcome::kCannotRead) return Status::IOError(read.why);
  if (read.outcome == BoundedRead::Outcome::kTooLarge)
    return Status::Invalid(fmt::format("{}: not a certificate (over {} bytes)", path, kMaxCertificateBytes));
  Certificate parsed;
  if (Status st = ParseCertificate(text, path, &parsed); !st.ok()) return st;
  if (!parsed.secret_key.empty()) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0)
      return Status::PermissionDenied(
          fmt::format("{} holds a secret key and others can read it (mode {:04o}): chmod 600 {}", path,
                      info.st_mode & 07777, path));
  }
  *certificate = std::move(parsed);
  return Status::OK();
}

Status ReadSecretCertificate(const std::string& path, Certificate* certificate) {
  Certificate parsed;
  if (Status st = ReadCertificate(path, &parsed); !st.ok()) return st;
  if (parsed.secret_key.empty())
    return Status::Invalid(fmt::format("{} holds no secret-key: give the NAME.key_secret file, not NAME.key", path));
  *certificate = std::move(parsed);
  return Status::OK();
}

std::string FormatCertificate(const Certificate& certificate, bool with_secret) {
  char when[32];
  std::time_t now = std::time(nullptr);
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", std::gmtime(&now));
  std::string text = fmt::format("#   ****  Generated on {} UTC by datablox keygen  ****\n", when);
  if (with_secret) {
    text += "#   ZeroMQ CURVE **Secret** Certificate\n";
    text += "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.\n\n";
  } else {
    text += "#   ZeroMQ CURVE Public Certificate\n";
    text += "#   Exchange securely, or use a secure mechanism to verify the contents\n";
    text += "#   of this file after exchange.\n\n";
  }
  text += "metadata\n";
  for (const auto& [name, value] : certificate.metadata) text += fmt::format("    {} = \"{}\"\n", name, value);
  text += "curve\n";
  text += fmt::format("    public-key = \"{}\"\n", certificate.public_key);
  if (with_secret) text += fmt::format("    secret-key = \"{}\"\n", certificate.secret_key);
  return text;
}

namespace {

Status WriteNew(const std::string& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST)
      return Status::IOError(fmt::format("{} exists: keys are never overwritten (delete it first to rotate)", path));
    return Status::IOError(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  }
  // The mode asked of open() is cut by the umask; a secret must be 0600 exactly.
  (void)::fchmod(fd, mode);
  ssize_t written = ::write(fd, text.data(), text.size());
  bool ok = written == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return Status::IOError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  }
  return Status::OK();
}

}  // namespace

Status WriteCertificate(const Certificate& certificate, const std::string& public_path,
                        const std::string& secret_path) {
  if (!secret_path.empty()) {
    if (Status st = WriteNew(secret_path, FormatCertificate(certificate, true), 0600); !st.ok()) return st;
  }
  if (Status st = WriteNew(public_path, FormatCertificate(certificate, false), 0644); !st.ok()) {
    if (!secret_path.empty()) ::unlink(secret_path.c_str());
    return st;
  }
  return Status::OK();
}

}  // namespace datablox::auth
