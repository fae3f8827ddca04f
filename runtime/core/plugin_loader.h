// Loads element plugins into this process (dlopen). Which files, and in what
// order, is plugin_path.h's business; the class table calls these.
#pragma once

#include <string>
#include <vector>

#include "datablox/status.h"

namespace datablox::plugin {

// The plugin files of one path entry: the entry itself when it is a file
// (loaded whatever its name: the user named it), the plugins in it when it is
// a folder, nothing when it does not exist (a path may name folders that only
// some machines have, as PATH does).
std::vector<std::string> FilesOf(const std::string& entry);

// Loads one plugin, which runs its static initialisers: they register its
// classes. The library stays loaded for the life of the process (its
// classes' factories point into it). Binds every symbol now (RTLD_NOW), so a
// plugin built against other headers fails here, with the missing symbol
// named, instead of crashing when an element first calls it. An error names
// the file and the reason.
Status Load(const std::string& file);

}  // namespace datablox::plugin
