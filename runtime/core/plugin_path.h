// Which plugin files a process loads, and in what order: decided here from
// plain lists (no file system, no dlopen), so that a test can check it.
//
// A plugin is a shared object whose static initialisers register element
// classes (DATABLOX_ELEMENT). It is named NAME.datablox.so, what the
// installed package's datablox_add_element(NAME ...) builds: a folder on the
// path may hold other shared objects (a Python extension beside a topology's
// modules), which are never loaded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace datablox::plugin {

inline constexpr std::string_view kFileSuffix = ".datablox.so";

// The environment variable of extra plugin folders (or files), ':'-separated.
inline constexpr const char* kPathVariable = "DATABLOX_PLUGIN_PATH";

// True for "hello.datablox.so"; false for ".datablox.so", "hello.so", "x.datablox.so.1".
bool IsPluginFileName(std::string_view file_name);

// "a::b:" -> {"a", "b"}: the entries of a ':'-separated list, empty ones dropped
// (an empty entry would otherwise mean "the working directory").
std::vector<std::string> SplitPathList(std::string_view list);

// The plugin path, in the order it is searched, each entry once: the entries
// of DATABLOX_PLUGIN_PATH (`--plugin-path` flags are put there, so that the
// processes a command starts see them too), then the class search path (the
// topology file's folder first).
std::vector<std::string> PluginPath(std::string_view plugin_path_variable, const std::vector<std::string>& search_path);

// The value DATABLOX_PLUGIN_PATH gets in a command's environment: the
// `--plugin-path` entries first, then those the variable had, every one made
// absolute against `cwd` and given once. The processes the command starts
// (master, caretaker, element hosts) inherit it, wherever they run from.
std::string PluginPathVariable(const std::vector<std::string>& given, std::string_view variable,
                               const std::string& cwd);

// Of the file names in one folder, the plugins, in the order they load:
// sorted by name, so every process of a topology loads them alike (which of
// two plugins registered a class name first decides nothing, but the error
// names them in one order everywhere).
std::vector<std::string> PluginsInFolder(std::vector<std::string> file_names);

}  // namespace datablox::plugin
