// JsonLinesSource through the harness: what it reads of a file, what it
// rejects, and that it lets go of the file without a stop().
#include "datablox/testing.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace datablox::testing {
namespace {

// A temporary file with `text`, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/json_lines_source_test_XXXXXX";
    const int fd = mkstemp(name);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    close(fd);
    path_ = name;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(JsonLinesSourceTest, EmitsEachObjectLineAndRejectsTheRest) {
  TempFile file("{\"seq\": 1}\n\n  \t\n[1]\r\n{\"seq\": 2.5, \"s\": \"a\"}\r\nnot json");
  std::unique_ptr<ElementHarness> run;
  ASSERT_TRUE(ElementHarness::Make("JsonLinesSource", {{"path", ParamValue::String(file.path())}}, &run).ok());
  ASSERT_TRUE(run->Produce().ok());
  EXPECT_EQ(run->Output("out"), (std::vector<std::string>{R"({"seq":1})", R"({"s":"a","seq":2.5})"}));  // to_json sorts keys
  EXPECT_EQ(run->Read("lines"), "4");
  EXPECT_EQ(run->rejected(), 2);
}

// Found by fuzz/json_lines_fuzz (fuzz/corpus/json_lines/regression-leak-without-stop):
// the line buffer and the file were released in stop() only; under
// LeakSanitizer this test fails without the destructor.
TEST(JsonLinesSourceTest, ADestroyedSourceReleasesItsFileWithoutStop) {
  TempFile file("{\"seq\": 1}\n{\"seq\": 2}\n");
  std::unique_ptr<ElementHarness> run;
  ASSERT_TRUE(ElementHarness::Make("JsonLinesSource", {{"path", ParamValue::String(file.path())}}, &run).ok());
  ASSERT_TRUE(run->Produce(1).ok());
  run.reset();
}

}  // namespace
}  // namespace datablox::testing
