#include "runtime/auth/allow_list.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "runtime/auth/keys.h"

namespace datablox::auth {
namespace {

class AllowListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("allow_list_test." + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  Certificate Allow(const std::string& file, std::map<std::string, std::string> metadata) {
    Certificate c;
    EXPECT_TRUE(GenerateCertificate(&c).ok());
    c.metadata = std::move(metadata);
    EXPECT_TRUE(WriteCertificate(c, (dir_ / file).string(), "").ok());
    return c;
  }
  std::filesystem::path dir_;
};

TEST_F(AllowListTest, NamesEachPeerByItsKindNameAndRole) {
  Certificate node = Allow("node-a.key", {{"kind", "caretaker"}, {"name", "a"}});
  Certificate reader = Allow("bob.key", {{"kind", "operator"}, {"name", "bob"}, {"role", "read"}});
  Certificate admin = Allow("alice.key", {{"kind", "operator"}, {"name", "alice"}});
  AllowList list;
  ASSERT_TRUE(AllowList::Load(dir_.string(), &list).ok());
  EXPECT_TRUE(list.errors().empty());
  EXPECT_EQ(list.caretakers(), 1);
  EXPECT_EQ(list.operators(), 2);
  EXPECT_EQ(UserId(*list.Find(node.public_key)), "caretaker:a");
  EXPECT_EQ(UserId(*list.Find(reader.public_key)), "operator:bob:read");
  EXPECT_EQ(UserId(*list.Find(admin.public_key)), "operator:alice:full");
  Certificate stranger;
  ASSERT_TRUE(GenerateCertificate(&stranger).ok());
  EXPECT_EQ(list.Find(stranger.public_key), nullptr);
}

TEST_F(AllowListTest, ABadEntryIsLeftOutAndNamedWhileTheRestAreAllowed) {
  Certificate good = Allow("good.key", {{"kind", "caretaker"}, {"name", "a"}});
  Allow("nokind.key", {{"name", "x"}});
  Allow("badrole.key", {{"kind", "operator"}, {"name", "y"}, {"role", "root"}});
  Allow("badname.key", {{"kind", "caretaker"}, {"name", "a#b"}});
  std::ofstream((dir_ / "garbage.key").string()) << "curve\n    public-key = \"nope\"\n";
  AllowList list;
  ASSERT_TRUE(AllowList::Load(dir_.string(), &list).ok());
  EXPECT_NE(list.Find(good.public_key), nullptr);
  ASSERT_EQ(list.errors().size(), 4u);
  std::string all;
  for (const auto& e : list.errors()) all += e + "\n";
  EXPECT_NE(all.find("nokind.key: metadata kind"), std::string::npos) << all;
  EXPECT_NE(all.find("badrole.key: metadata role"), std::string::npos) << all;
  EXPECT_NE(all.find("badname.key: metadata name"), std::string::npos) << all;
  EXPECT_NE(all.find("garbage.key:2: public-key is not a Z85 key"), std::string::npos) << all;
}

TEST_F(AllowListTest, AMissingPathIsAnError) {
  AllowList list;
  Status st = AllowList::Load((dir_ / "absent").string(), &list);
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();
}

TEST_F(AllowListTest, TheFingerprintChangesWhenAKeyIsAddedOrRemoved) {
  Allow("a.key", {{"kind", "caretaker"}, {"name", "a"}});
  std::string before = AllowListFingerprint(dir_.string());
  Allow("b.key", {{"kind", "caretaker"}, {"name", "b"}});
  std::string added = AllowListFingerprint(dir_.string());
  EXPECT_NE(before, added);
  std::filesystem::remove(dir_ / "b.key");
  EXPECT_EQ(AllowListFingerprint(dir_.string()), before);
}

TEST(PeerIdentityTest, ReadsWhatUserIdWrote) {
  PeerIdentity open = IdentityOf("");
  EXPECT_TRUE(open.open);
  PeerIdentity node = IdentityOf("caretaker:a");
  EXPECT_FALSE(node.open);
  EXPECT_EQ(node.kind, PeerKind::kCaretaker);
  EXPECT_EQ(node.name, "a");
  PeerIdentity bob = IdentityOf("operator:bob:read");
  EXPECT_EQ(bob.kind, PeerKind::kOperator);
  EXPECT_EQ(bob.name, "bob");
  EXPECT_EQ(bob.role, Role::kRead);
  EXPECT_EQ(IdentityOf("operator:alice:full").role, Role::kFull);
  // What is not understood may only look.
  EXPECT_EQ(IdentityOf("operator:eve:root").role, Role::kRead);
  EXPECT_EQ(IdentityOf("something").role, Role::kRead);
}

}  // namespace
}  // namespace datablox::auth
