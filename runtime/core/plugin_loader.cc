#include "runtime/core/plugin_loader.h"

#include <cxxabi.h>
#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "runtime/core/plugin_path.h"

namespace datablox::plugin {
namespace {

// dlerror() names a missing C++ symbol mangled ("undefined symbol:
// _ZN8datablox3FooEv"); the reader wants "datablox::Foo()".
std::string Demangled(std::string message) {
  static constexpr std::string_view kUndefined = "undefined symbol: ";
  size_t at = message.find(kUndefined);
  if (at == std::string::npos) return message;
  size_t start = at + kUndefined.size();
  size_t end = message.find_first_of(" \t,(", start);
  std::string symbol = message.substr(start, end == std::string::npos ? std::string::npos : end - start);
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> name(abi::__cxa_demangle(symbol.c_str(), nullptr, nullptr, &status),
                                                   &std::free);
  if (status != 0 || !name) return message;
  return message.replace(start, symbol.size(), name.get());
}

}  // namespace

std::vector<std::string> FilesOf(const std::string& entry) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path path = fs::absolute(entry, ec).lexically_normal();
  if (ec) return {};
  if (fs::is_regular_file(path, ec)) return {path.string()};
  if (!fs::is_directory(path, ec)) return {};
  std::vector<std::string> names;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  std::vector<std::string> files;
  for (const std::string& name : PluginsInFolder(std::move(names))) files.push_back((path / name).string());
  return files;
}

Status Load(const std::string& file) {
  (void)::dlerror();  // clear a stale one
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle) return Status::OK();  // never closed: see the header
  const char* why = ::dlerror();
  std::string message = why ? why : "dlopen failed";
  // dlerror() usually starts with the file name already; say it once.
  if (message.rfind(file, 0) == 0) message = message.substr(file.size());
  while (!message.empty() && (message.front() == ':' || message.front() == ' ')) message.erase(0, 1);
  return Status::Invalid("plugin " + file + ": " + Demangled(message));
}

}  // namespace datablox::plugin
