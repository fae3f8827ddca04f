#include "cell/catalog/catalog_service.h"

#include <gtest/gtest.h>

#include "cell/catalog/catalog_test_files.h"

namespace datablox::catalog {
namespace {

using nlohmann::json;

class CatalogServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(CatalogStore::Open(files_.db, &store_).ok());
    service_ = std::make_unique<CatalogService>(store_.get());
  }
  json Ask(const json& request) {
    json answer;
    Status st = service_->Handle(request, &answer);
    EXPECT_TRUE(st.ok()) << st.message();
    return answer;
  }
  json AddView(const std::string& moniker, const std::string& file) {
    return Ask({{"op", "add"},
                {"kind", "view"},
                {"view", {{"moniker", moniker}, {"domain", "unity"}, {"view_file", file}, {"store", "store"}}}});
  }
  CatalogFiles files_;
  std::unique_ptr<CatalogStore> store_;
  std::unique_ptr<CatalogService> service_;
};

TEST_F(CatalogServiceTest, AddedViewTakesSchemaShapeAndLocationFromItsViewFile) {
  Ask({{"op", "add"}, {"kind", "domain"}, {"domain", {{"moniker", "unity"}}}});
  json added = AddView("events", files_.view);
  ASSERT_TRUE(added.contains("added")) << added.dump();
  EXPECT_EQ(added["kind"], "view");
  EXPECT_EQ(added["added"]["schema"], files_.schema);
  EXPECT_EQ(added["added"]["shape"], "nested");
  EXPECT_EQ(added["added"]["location"], files_.dir.path() + "/data");
  EXPECT_EQ(added["added"]["generation"], 0);
  json shown = Ask({{"op", "find_view"}, {"moniker", "events"}});
  EXPECT_EQ(shown["view"], added["added"]);
}

TEST_F(CatalogServiceTest, ViewWhoseSchemaDoesNotCheckIsRefusedWithPositionedErrors) {
  Ask({{"op", "add"}, {"kind", "domain"}, {"domain", {{"moniker", "unity"}}}});
  json answer = AddView("broken", files_.broken_view);
  Refused refused;
  ASSERT_TRUE(DecodeRefused(answer, &refused)) << answer.dump();
  EXPECT_EQ(refused.code, Refusal::kInvalid);
  // The view's line naming the schema, then the schema's own error at its place.
  ASSERT_EQ(refused.errors.size(), 2u) << answer.dump();
  EXPECT_EQ(refused.errors[0].rfind(files_.broken_view + ":1:10: error: ", 0), 0u) << refused.errors[0];
  EXPECT_EQ(refused.errors[1].rfind(files_.broken_schema + ":3:", 0), 0u) << refused.errors[1];
  json list = Ask({{"op", "list"}, {"kind", "view"}});
  EXPECT_EQ(list, (json{{"views", json::array()}}));
}

TEST_F(CatalogServiceTest, ViewFileThatCannotBeReadIsRefusedAsUnreadable) {
  Ask({{"op", "add"}, {"kind", "domain"}, {"domain", {{"moniker", "unity"}}}});
  json answer = AddView("gone", files_.dir.path() + "/missing.view.toml");
  Refused refused;
  ASSERT_TRUE(DecodeRefused(answer, &refused)) << answer.dump();
  EXPECT_EQ(refused.code, Refusal::kUnreadable);
}

TEST_F(CatalogServiceTest, UnknownMonikerIsRefusedAsNotFound) {
  Refused refused;
  ASSERT_TRUE(DecodeRefused(Ask({{"op", "show"}, {"kind", "domain"}, {"moniker", "nope"}}), &refused));
  EXPECT_EQ(refused.code, Refusal::kNotFound);
  EXPECT_EQ(refused.message, "no domain 'nope'");
  ASSERT_TRUE(DecodeRefused(Ask({{"op", "remove"}, {"kind", "query"}, {"moniker", "nope"}}), &refused));
  EXPECT_EQ(refused.message, "no saved query 'nope'");
}

TEST_F(CatalogServiceTest, ListWithoutAKindHasEveryKind) {
  Ask({{"op", "add"}, {"kind", "domain"}, {"domain", {{"moniker", "unity"}, {"properties", {{"a", "b"}}}}}});
  AddView("events", files_.view);
  Ask({{"op", "add"}, {"kind", "query"}, {"query", {{"moniker", "q"}, {"view", "events"}, {"text", "select 1"}}}});
  json list = Ask({{"op", "list"}});
  ASSERT_EQ(list["domains"].size(), 1u);
  EXPECT_EQ(list["domains"][0]["properties"], (json{{"a", "b"}}));
  ASSERT_EQ(list["views"].size(), 1u);
  ASSERT_EQ(list["queries"].size(), 1u);
  EXPECT_EQ(list["queries"][0]["view"], "events");
}

TEST_F(CatalogServiceTest, BumpAnswersTheViewWithItsNewGeneration) {
  Ask({{"op", "add"}, {"kind", "domain"}, {"domain", {{"moniker", "unity"}}}});
  AddView("events", files_.view);
  EXPECT_EQ(Ask({{"op", "bump"}, {"moniker", "events"}})["view"]["generation"], 1);
  EXPECT_EQ(Ask({{"op", "find_view"}, {"moniker", "events"}})["view"]["generation"], 1);
}

TEST_F(CatalogServiceTest, RemoveAnswersWhatWasRemoved) {
  Ask({{"op", "add"}, {"kind", "domain"}, {"domain", {{"moniker", "unity"}}}});
  json removed = Ask({{"op", "remove"}, {"kind", "domain"}, {"moniker", "unity"}});
  EXPECT_EQ(removed["kind"], "domain");
  EXPECT_EQ(removed["removed"]["moniker"], "unity");
  EXPECT_EQ(Ask({{"op", "list"}, {"kind", "domain"}}), (json{{"domains", json::array()}}));
}

TEST_F(CatalogServiceTest, MalformedTextIsAnErrorNotAnAnswer) {
  json answer;
  EXPECT_EQ(service_->HandleText("{not json", &answer).code(), Status::Code::kInvalid);
  std::string deep = "{\"op\": \"list\", \"x\": " + std::string(20, '[') + std::string(20, ']') + "}";
  EXPECT_EQ(service_->HandleText(deep, &answer).code(), Status::Code::kInvalid);
  EXPECT_EQ(service_->HandleText("{\"op\": \"list\"}", &answer).code(), Status::Code::kOk);
}

}  // namespace
}  // namespace datablox::catalog
