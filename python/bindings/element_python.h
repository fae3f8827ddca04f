// The trampoline behind datablox.Element: each hook calls the Python
// override when there is one, under the GIL, turning a Python exception
// into a failed element whose traceback is on stderr.
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <thread>
#include <vector>

#include "datablox/element.h"

namespace datablox::python {

namespace py = pybind11;

class PyElement : public Element {
 public:
  Status configure(const Params& params) override;
  Status start() override;
  Production produce() override;
  void on_batch(int port, Batch logs) override;
  void on_query(int port, const Log& request, Responder responder) override;
  void on_timer(int timer_id) override;
  void on_inputs_ended() override;
  void stop() override;
  // The shard hooks (shard_python.cc).
  AddAnswer can_add(const ShardLoad& load) override;
  uint64_t state_size() const override;
  Status export_state(const KeyGroupSet& moving, std::vector<OwnedLog>* out) override;
  Status import_state(Batch state) override;
  // The stream responder's hook (stream_python.cc).
  Status on_stream(int port, const StreamRequest& request, std::unique_ptr<StreamSource>* source) override;
  // The checkpoint hooks (checkpoint_python.cc).
  Status snapshot(std::string* state) override;
  Status restore(std::string_view state) override;
  void on_checkpoint_complete(uint64_t checkpoint) override;

  // What the bindings call on behalf of Python (protected in Element).
  using Element::abort_stream;
  using Element::add_read_handler;
  using Element::add_write_handler;
  using Element::ask;
  using Element::cancel_stream_operation;
  using Element::cancel_timer;
  using Element::emit;
  using Element::fail;
  using Element::forward;
  using Element::new_stream_operation;
  using Element::open_stream;
  using Element::open_stream_to;
  using Element::push_out_port;
  using Element::query_out_port;
  using Element::reject;
  using Element::set_timer;
  using Element::stream_address;
  using Element::stream_peers;

  void Failed(py::error_already_set& error, const char* hook);
  LogBuilder& scratch() { return scratch_; }
  std::thread::id host_thread() const { return host_thread_; }
  using Element::class_spec;

 private:
  py::object Override(const char* hook);
  template <class Body>
  Status Call(const char* hook, Body&& body);
  void CacheOverrides();

  bool cached_ = false;
  // Bound methods hold the instance: a cycle that lives as long as the host.
  py::object on_batch_, on_log_, on_query_;
  // datablox.Port objects (name and index in one) handed to on_batch,
  // on_log and on_query: built once, not per call.
  std::vector<py::object> push_in_ports_, query_in_ports_;
  LogBuilder scratch_;
  std::thread::id host_thread_;
};

void BindElement(py::module_& m);
// datablox._datablox.checkpoint_hooks: the checkpoint hooks as the host
// calls them, for tests of a class without a host (checkpoint_python.cc).
void BindCheckpoints(py::module_& m);

// A Python exception in the hook `where` ("SumByKey.export_state"): its
// traceback to stderr, its last line into the Status (shard_python.cc).
Status Raised(py::error_already_set& error, const std::string& where);
// "CLASS.METHOD" of a bound method: what errors of a hook are named by.
std::string Where(const py::object& method, const char* hook);

// The element a binding acts for: attached to a host, and called on the
// host's thread (else a ValueError).
PyElement& Running(Element& self);
// An output port given by index or name (else a ValueError).
int PortIndex(PyElement& self, py::handle port, PortKind kind);

}  // namespace datablox::python
