// The ZeroMQ transport in one process: a Server and a Client on loopback,
// polled in turn from the test's thread (the way an element would poll
// them). The socket-free decisions have tests of their own; these check the
// wiring: frames reach the right stream, counts add up, errors arrive.
#include <gtest/gtest.h>
#include <zmq.h>

#include <string>
#include <vector>

#include "runtime/nexus/client.h"
#include "runtime/nexus/server.h"

namespace datablox::nexus {
namespace {

// `parcels` parcels of 3 items each holding their own sequence number; fails
// after `fail_after` parcels when non-zero.
class CountingSource : public ParcelSource {
 public:
  CountingSource(uint64_t parcels, uint64_t fail_after) : parcels_(parcels), fail_after_(fail_after) {}
  Fill Next(Parcel* parcel, Status* error) override {
    if (fail_after_ != 0 && sent_ == fail_after_) {
      *error = Status::Internal("source broke");
      return Fill::kFailed;
    }
    if (sent_ == parcels_) return Fill::kDone;
    parcel->bytes = std::to_string(sent_++);
    parcel->item_count = 3;
    return Fill::kParcel;
  }
  int64_t expected() const override { return static_cast<int64_t>(parcels_ * 3); }

 private:
  uint64_t parcels_, fail_after_;
  uint64_t sent_ = 0;
};

// Paradata: "P" or "P/F" (fail after F); "refuse" is refused.
Status Handler(const StreamRequest& request, std::unique_ptr<ParcelSource>* source) {
  if (request.paradata == "refuse") return Status::Invalid("not this one");
  const std::string text(request.paradata);
  const size_t slash = text.find('/');
  const uint64_t parcels = std::stoull(text.substr(0, slash));
  const uint64_t fail_after = slash == std::string::npos ? 0 : std::stoull(text.substr(slash + 1));
  *source = std::make_unique<CountingSource>(parcels, fail_after);
  return Status::OK();
}

class NexusTransport : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Server::Bind("tcp://127.0.0.1:*", Handler, ServerOptions{}, &server_).ok());
    address_ = server_->endpoint();
  }
  // Polls both until the operation is done (bounded: a hang fails the test).
  void RunUntilDone(Client& client, uint64_t op) {
    for (int i = 0; i < 100000 && !client.FindOperation(op)->done(); ++i) {
      server_->Poll(0);
      client.Poll(1);
    }
    ASSERT_TRUE(client.FindOperation(op)->done());
  }
  std::unique_ptr<Server> server_;
  std::string address_;
};

TEST_F(NexusTransport, ManyStreamsShareOneConnectionAndArriveInOrderWithExactCounts) {
  ClientOptions options;
  options.window = 2;
  Client client(options);
  const uint64_t op = client.NewOperation();
  std::map<uint64_t, uint64_t> next_sequence;
  bool in_order = true;
  auto consume = [&](uint64_t stream_id, std::string_view bytes, uint64_t) {
    in_order = in_order && std::to_string(next_sequence[stream_id]++) == bytes;
  };
  std::vector<uint64_t> ids(8);
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_TRUE(client.Open(address_, std::to_string(50 + i), op, consume, &ids[i]).ok());
  }
  RunUntilDone(client, op);
  EXPECT_TRUE(client.FindOperation(op)->status().ok()) << client.FindOperation(op)->status().ToString();
  EXPECT_TRUE(in_order);
  for (size_t i = 0; i < ids.size(); ++i) {
    StreamReport r;
    ASSERT_TRUE(client.Report(ids[i], &r).ok());
    EXPECT_EQ(r.state, ClientState::kComplete);
    EXPECT_EQ(r.items, (50 + i) * 3);
    EXPECT_EQ(r.completion.items, (50 + i) * 3);
    EXPECT_LE(r.max_unconsumed, 2u);
  }
  EXPECT_EQ(client.FindOperation(op)->progress().items, (50 * 8 + 28) * 3u);
  EXPECT_EQ(client.metrics().connections_opened, 1u);
  EXPECT_EQ(client.metrics().streams_complete, 8u);
  EXPECT_EQ(server_->metrics().streams_completed, 8u);
  EXPECT_LE(server_->metrics().max_in_flight, 2u);
}

TEST_F(NexusTransport, TheFirstFailureIsTheOperationsError) {
  Client client;
  const uint64_t op = client.NewOperation();
  uint64_t good = 0, broken = 0, refused = 0;
  ASSERT_TRUE(client.Open(address_, "20", op, nullptr, &good).ok());
  ASSERT_TRUE(client.Open(address_, "20/4", op, nullptr, &broken).ok());
  RunUntilDone(client, op);
  EXPECT_EQ(client.FindOperation(op)->failed_stream(), broken);
  EXPECT_EQ(client.FindOperation(op)->status().message(),
            "nexus stream 2 failed at the server (code 4): Internal: source broke");
  StreamReport r;
  ASSERT_TRUE(client.Report(good, &r).ok());
  EXPECT_EQ(r.state, ClientState::kComplete);

  const uint64_t op2 = client.NewOperation();
  ASSERT_TRUE(client.Open(address_, "refuse", op2, nullptr, &refused).ok());
  RunUntilDone(client, op2);
  EXPECT_EQ(client.FindOperation(op2)->status().message(), "nexus stream 3 refused (code 1): Invalid: not this one");
  EXPECT_EQ(server_->metrics().streams_refused, 1u);
}

TEST_F(NexusTransport, AConsumerMayAbortItsOwnStream) {
  Client client;
  const uint64_t op = client.NewOperation();
  uint64_t id = 0;
  uint64_t seen = 0;
  auto consume = [&](uint64_t stream_id, std::string_view, uint64_t) {
    if (++seen == 3) client.Abort(stream_id);
  };
  ASSERT_TRUE(client.Open(address_, "1000", op, consume, &id).ok());
  RunUntilDone(client, op);
  StreamReport r;
  ASSERT_TRUE(client.Report(id, &r).ok());
  EXPECT_EQ(r.state, ClientState::kAborted);
  EXPECT_EQ(seen, 3u);  // no parcel after the abort reaches the consumer
  for (int i = 0; i < 1000 && server_->metrics().streams_aborted == 0; ++i) server_->Poll(1);
  EXPECT_EQ(server_->metrics().streams_aborted, 1u);
}

TEST_F(NexusTransport, AServerThatNeverAnswersTimesOutAndItsConnectionIsEvicted) {
  ClientOptions options;
  options.stream_timeout_ms = 200;
  Client client(options);
  const uint64_t op = client.NewOperation();
  uint64_t id = 0;
  server_.reset();  // nobody at the address any more
  ASSERT_TRUE(client.Open(address_, "5", op, nullptr, &id).ok());
  for (int i = 0; i < 1000 && !client.FindOperation(op)->done(); ++i) client.Poll(10);
  ASSERT_TRUE(client.FindOperation(op)->done());
  EXPECT_TRUE(client.FindOperation(op)->status().IsTimeout()) << client.FindOperation(op)->status().ToString();
  EXPECT_EQ(client.metrics().connections_evicted, 1u);  // stale, no stream on it
  client.Forget(op);
  EXPECT_EQ(client.FindOperation(op), nullptr);
}

// The two halves an element host uses: one zmq_poll over both sides'
// sockets, then Service() of each; every ended stream's report once, from
// TakeEnded(); the initiate's port reaches the handler.
TEST_F(NexusTransport, ServiceAfterOneSharedPollEndsEveryStreamWithOneReport) {
  std::unique_ptr<Server> server;
  std::vector<std::string> ports;
  auto handler = [&ports](const StreamRequest& request, std::unique_ptr<ParcelSource>* source) {
    ports.emplace_back(request.port);
    return Handler(request, source);
  };
  ASSERT_TRUE(Server::Bind("tcp://127.0.0.1:*", handler, ServerOptions{}, &server).ok());
  ClientOptions client_options;
  client_options.report_ended = true;
  Client client(client_options);
  EXPECT_EQ(client.WaitHintMs(), -1);  // nothing live: nothing to wake for
  EXPECT_EQ(server->WaitHintMs(), -1);
  uint64_t items = 0;
  auto consume = [&items](uint64_t, std::string_view, uint64_t n) { items += n; };
  OpenOptions open;
  open.port = "loci";
  open.window = 3;
  uint64_t first = 0, second = 0;
  ASSERT_TRUE(client.Open(server->endpoint(), "40", open, consume, &first).ok());
  open.port = "";
  ASSERT_TRUE(client.Open(server->endpoint(), "refuse", open, consume, &second).ok());
  EXPECT_EQ(client.WaitHintMs(), Client::kTickMs);
  std::vector<StreamReport> ended;
  for (int i = 0; i < 100000 && ended.size() < 2; ++i) {
    std::vector<void*> handles{server->socket_handle()};
    client.AppendSocketHandles(&handles);
    std::vector<zmq_pollitem_t> items_to_poll;
    for (void* handle : handles) items_to_poll.push_back({handle, 0, ZMQ_POLLIN, 0});
    zmq_poll(items_to_poll.data(), static_cast<int>(items_to_poll.size()), 1);
    server->Service();
    client.Service();
    client.TakeEnded(&ended);
  }
  ASSERT_EQ(ended.size(), 2u);
  EXPECT_EQ(ended[0].stream_id, second);  // refused at once
  EXPECT_FALSE(ended[0].status.ok());
  EXPECT_EQ(ended[1].stream_id, first);
  EXPECT_TRUE(ended[1].status.ok()) << ended[1].status.ToString();
  EXPECT_EQ(ended[1].items, 120u);
  EXPECT_EQ(items, 120u);
  EXPECT_EQ(ports, (std::vector<std::string>{"loci", ""}));
  client.TakeEnded(&ended);
  EXPECT_EQ(ended.size(), 2u);  // taken once
  EXPECT_EQ(client.WaitHintMs(), -1);
}

}  // namespace
}  // namespace datablox::nexus
