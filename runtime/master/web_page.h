// The web view's two files (runtime/master/web/index.html and app.js),
// built into the binary so that the master serves them with no file or
// network beside it (web_page.cc.in, filled by CMake from those files).
#pragma once

#include <string_view>

namespace datablox::master {

std::string_view WebPage();    // index.html
std::string_view WebScript();  // app.js

}  // namespace datablox::master
