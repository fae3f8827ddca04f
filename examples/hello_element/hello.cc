// examples/hello_element/hello.cc
#include <string>

#include "datablox/element.h"

// Hello(greeting): adds greeting = "GREETING SEQ" to every log.
class Hello : public datablox::Element {
 public:
  static datablox::ClassSpec spec() {
    return datablox::ClassSpec("Hello", "adds greeting = \"GREETING SEQ\" to every log")
        .push_in("in", {{"seq", datablox::ValueType::kInt}})
        .push_out("out", {{"seq", datablox::ValueType::kInt}, {"greeting", datablox::ValueType::kString}})
        .param_string("greeting", "hello", "the word before the number");
  }
  datablox::Status configure(const datablox::Params& params) override {
    return params.read("greeting", greeting_).status();
  }
  void on_batch(int, datablox::Batch logs) override {
    for (const datablox::Log& log : logs) {
      int64_t seq = log.get("seq").as_int();
      emit(out_.clear().add("seq", seq).add("greeting", greeting_ + " " + std::to_string(seq)));
    }
  }

 private:
  std::string greeting_;
  datablox::LogBuilder out_;
};

DATABLOX_ELEMENT(Hello)
