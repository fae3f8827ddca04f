// What an element acts through: the element host implements this interface,
// and Element's and Responder's members (element.cc) call it. An interface,
// so that runtime/core (and the public API's implementation) does not
// depend on the host; the host's class is final, so a call costs one
// indirect jump and nothing more.
//
// Private to datablox: element authors see only include/datablox/element.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "datablox/element.h"

namespace datablox::detail {

class HostContext {
 public:
  virtual ~HostContext() = default;

  // --- What Element's protected members do (see element.h). ---------------
  virtual void Emit(int port, std::string_view log) = 0;
  virtual void Ask(int port, std::string_view request, Milliseconds timeout, ReplyCallback done) = 0;
  virtual int SetTimer(Milliseconds delay, Milliseconds period) = 0;
  virtual void CancelTimer(int id) = 0;
  virtual void WaitUntil(std::chrono::steady_clock::time_point deadline) = 0;
  virtual void AddHandler(std::string name, std::function<std::string()> read,
                          std::function<Status(std::string_view)> write) = 0;
  virtual void Fail(const Status& why) = 0;
  virtual void Reject(std::string_view why) = 0;
  virtual bool Connected(int push_out) const = 0;
  virtual const ClassSpec* spec() const = 0;
  virtual InputPosition BatchPosition() const = 0;
  virtual bool restarted() const = 0;
  virtual const ShardMembership* membership() const { return nullptr; }
  // Inside snapshot() and restore(): that checkpoint's id (0 elsewhere).
  virtual uint64_t CheckpointId() const { return 0; }
  // The topology takes checkpoints (its plan says so; a test host's do not).
  virtual bool Checkpointed() const { return false; }
  // Streams (stream.h). A host without a stream client or server (a test
  // host) refuses; the element host implements them.
  virtual Status OpenStream(int port, const std::string* address, std::string paradata, StreamConsumer consume,
                            StreamDone done, const StreamOptions& options, uint64_t* stream_id) {
    (void)port, (void)address, (void)paradata, (void)consume, (void)done, (void)options, (void)stream_id;
    return Status::Unavailable("this host runs no stream client");
  }
  virtual uint64_t NewStreamOperation() { return 0; }
  virtual void AbortStream(uint64_t stream_id) { (void)stream_id; }
  virtual void CancelStreamOperation(uint64_t operation_id) { (void)operation_id; }
  virtual std::string StreamAddress() const { return ""; }
  virtual std::vector<std::string> StreamPeers(int port) const {
    (void)port;
    return {};
  }
  // Query outputs wired to several elements, and the members behind one.
  virtual void AskLink(int port, int link, std::string_view request, Milliseconds timeout, ReplyCallback done) {
    (void)port, (void)link, (void)request, (void)timeout;
    Reply reply;
    reply.status = Status::Unavailable("this host asks no link by its index");
    done(std::move(reply));
  }
  virtual std::vector<std::string> LinkedElements(int port) const {
    (void)port;
    return {};
  }
  virtual std::vector<int> LinkedMembers(int port) const {
    (void)port;
    return {};
  }
  // Sends `frame` (a reply or an error) to the requester `peer` of query input `port`.
  virtual void Answer(int port, const std::string& peer, std::string_view frame) = 0;

  // --- For the host: what only a friend of Element and Responder may set. --
  static void Attach(Element* element, HostContext* context, const std::string& name) {
    element->context_ = context;
    element->name_ = name;
  }
  static Responder MakeResponder(HostContext* context, int port, std::string peer, uint64_t id) {
    Responder r;
    r.context_ = context;
    r.port_ = port;
    r.peer_ = std::move(peer);
    r.request_id_ = id;
    r.answered_ = std::make_shared<bool>(false);
    return r;
  }
};

}  // namespace datablox::detail
