#include "runtime/auth/zap_guard.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "runtime/auth/curve_client.h"
#include "runtime/auth/keys.h"
#include "runtime/auth/test_certificates.h"
#include "runtime/core/control.h"

namespace datablox::auth {
namespace {

using namespace std::chrono_literals;

class ZapGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("zap_guard_test." + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(GenerateCertificate(&server_).ok());
    alice_ = Allow("alice.key", {{"kind", "operator"}, {"name", "alice"}, {"role", "read"}});
    ASSERT_TRUE(ZapGuard::Start(zmq_, dir_.string(), {}, &guard_).ok());
    router_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::router);
    router_->set(zmq::sockopt::linger, 0);
    ASSERT_TRUE(guard_->Protect(*router_, server_.secret_key).ok());
    router_->bind("tcp://127.0.0.1:*");
    endpoint_ = control::LastEndpoint(*router_);
  }
  void TearDown() override {
    router_.reset();
    guard_.reset();
    std::filesystem::remove_all(dir_);
  }
  Certificate Allow(const std::string& file, std::map<std::string, std::string> metadata) {
    return AllowIn(dir_, file, std::move(metadata));
  }
  ClientKeys KeysOf(const Certificate& c) const { return {c.public_key, c.secret_key, server_.public_key}; }

  // Sends "hello" as a client with `keys`; the User-Id the server saw, or
  // nullopt when nothing arrived within `wait`. *watch_said: the client's view.
  std::optional<std::string> Hello(const ClientKeys& keys, Status* watch_said,
                                   std::chrono::milliseconds wait = 1500ms) {
    zmq::socket_t client(zmq_, zmq::socket_type::dealer);
    client.set(zmq::sockopt::linger, 0);
    MakeCurveClient(client, keys);
    HandshakeWatch watch(zmq_, client, keys.enabled());
    client.connect(endpoint_);
    client.send(zmq::str_buffer("hello"), zmq::send_flags::dontwait);
    std::optional<std::string> seen;
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline && !seen) {
      zmq::pollitem_t item{router_->handle(), 0, ZMQ_POLLIN, 0};
      control::Poll(&item, 1, 50ms);
      zmq::message_t id, body;
      if (router_->recv(id, zmq::recv_flags::dontwait)) {
        (void)router_->recv(body, zmq::recv_flags::none);
        seen = body.gets("User-Id");
      }
      *watch_said = watch.Check();
    }
    std::this_thread::sleep_for(100ms);
    *watch_said = watch.Check();
    return seen;
  }

  zmq::context_t zmq_{1};
  std::filesystem::path dir_;
  Certificate server_, alice_;
  std::unique_ptr<ZapGuard> guard_;
  std::unique_ptr<zmq::socket_t> router_;
  std::string endpoint_;
};

TEST_F(ZapGuardTest, AnAllowedKeyIsLetInAndItsMessagesCarryWhoItIs) {
  Status watch;
  auto seen = Hello(KeysOf(alice_), &watch);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(*seen, "operator:alice:read");
  EXPECT_TRUE(watch.ok()) << watch.ToString();
  EXPECT_EQ(guard_->figures().accepted, 1u);
}

TEST_F(ZapGuardTest, AnUnknownKeyIsRefusedCountedAndToldWhy) {
  Certificate stranger;
  ASSERT_TRUE(GenerateCertificate(&stranger).ok());
  Status watch;
  EXPECT_FALSE(Hello(KeysOf(stranger), &watch, 800ms).has_value());
  EXPECT_EQ(watch.code(), Status::Code::kPermissionDenied);
  EXPECT_NE(watch.message().find("allow-list"), std::string::npos) << watch.message();
  GuardFigures figures = guard_->figures();
  EXPECT_GE(figures.refused_keys, 1u);
  EXPECT_EQ(figures.accepted, 0u);
  ASSERT_FALSE(figures.recent_refusals.empty());
  EXPECT_NE(figures.recent_refusals.back().find("not in the allow-list"), std::string::npos);
}

TEST_F(ZapGuardTest, AClientWithoutKeysIsRefusedAndCounted) {
  Status watch;
  EXPECT_FALSE(Hello(ClientKeys{}, &watch, 800ms).has_value());
  EXPECT_NE(watch.message().find("requires CURVE keys"), std::string::npos) << watch.ToString();
  EXPECT_GE(guard_->figures().refused_handshakes, 1u);
}

TEST_F(ZapGuardTest, AClientHoldingTheWrongServerKeyIsRefused) {
  Certificate impostor;
  ASSERT_TRUE(GenerateCertificate(&impostor).ok());
  ClientKeys keys = KeysOf(alice_);
  keys.server_key = impostor.public_key;
  Status watch;
  EXPECT_FALSE(Hello(keys, &watch, 800ms).has_value());
  for (int i = 0; i < 20 && guard_->figures().refused_handshakes == 0; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_GE(guard_->figures().refused_handshakes, 1u);
}

TEST_F(ZapGuardTest, AKeyAddedToTheAllowListIsLetInWithoutARestart) {
  Certificate bob;
  ASSERT_TRUE(GenerateCertificate(&bob).ok());
  Status watch;
  EXPECT_FALSE(Hello(KeysOf(bob), &watch, 500ms).has_value());
  bob.metadata = {{"kind", "caretaker"}, {"name", "b"}};
  ASSERT_TRUE(WriteCertificate(bob, (dir_ / "bob.key").string(), "").ok());
  for (int i = 0; i < 60 && guard_->figures().reloads == 0; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(guard_->figures().caretakers, 1);
  auto seen = Hello(KeysOf(bob), &watch);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(*seen, "caretaker:b");
}

TEST_F(ZapGuardTest, OwnKeysAreAllowedBesidesTheList) {
  router_.reset();
  guard_.reset();
  Certificate relay;
  ASSERT_TRUE(GenerateCertificate(&relay).ok());
  AllowedPeer own{relay.public_key, PeerKind::kOperator, "web", Role::kRead, "(own)", ""};
  ASSERT_TRUE(ZapGuard::Start(zmq_, dir_.string(), {own}, &guard_).ok());
  router_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::router);
  router_->set(zmq::sockopt::linger, 0);
  ASSERT_TRUE(guard_->Protect(*router_, server_.secret_key).ok());
  router_->bind("tcp://127.0.0.1:*");
  endpoint_ = control::LastEndpoint(*router_);
  EXPECT_EQ(guard_->figures().operators, 1);  // alice; the relay is not counted as an operator
  Status watch;
  auto seen = Hello(KeysOf(relay), &watch);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(*seen, "operator:web:read");
}

}  // namespace
}  // namespace datablox::auth
