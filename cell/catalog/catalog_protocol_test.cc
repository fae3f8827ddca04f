#include "cell/catalog/catalog_protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace datablox::catalog {
namespace {

using nlohmann::json;

TEST(CatalogProtocol, EveryRequestDecodesToWhatWasEncoded) {
  Request add;
  add.op = Op::kAdd;
  add.kind = Kind::kView;
  add.view.moniker = "events";
  add.view.domain = "unity";
  add.view.view_file = "/v/events.view.toml";
  add.view.store = "samplestore/store";
  add.view.properties = {{"ttl", "60"}};
  Request back;
  ASSERT_TRUE(DecodeRequest(EncodeRequest(add), &back).ok());
  EXPECT_EQ(back.op, Op::kAdd);
  EXPECT_EQ(back.kind, Kind::kView);
  EXPECT_EQ(back.view.moniker, "events");
  EXPECT_EQ(back.view.view_file, "/v/events.view.toml");
  EXPECT_EQ(back.view.properties, (Properties{{"ttl", "60"}}));

  Request show{Op::kShow, Kind::kQuery, "q1", {}, {}, {}};
  ASSERT_TRUE(DecodeRequest(EncodeRequest(show), &back).ok());
  EXPECT_EQ(back.op, Op::kShow);
  EXPECT_EQ(back.kind, Kind::kQuery);
  EXPECT_EQ(back.moniker, "q1");

  Request list;
  ASSERT_TRUE(DecodeRequest(EncodeRequest(list), &back).ok());
  EXPECT_EQ(back.op, Op::kList);
  EXPECT_FALSE(back.kind.has_value());
}

TEST(CatalogProtocol, FindViewAndBumpAreAboutViews) {
  Request back;
  ASSERT_TRUE(DecodeRequest(json{{"op", "find_view"}, {"moniker", "events"}}, &back).ok());
  EXPECT_EQ(back.kind, Kind::kView);
  Status st = DecodeRequest(json{{"op", "bump"}, {"kind", "domain"}, {"moniker", "x"}}, &back);
  EXPECT_EQ(st.message(), "op 'bump' is about views only");
}

TEST(CatalogProtocol, MalformedRequestsAreRefusedNamingWhatIsWrong) {
  Request r;
  EXPECT_EQ(DecodeRequest(json::array(), &r).message(), "a request must be a JSON object");
  EXPECT_EQ(DecodeRequest(json{{"op", "drop"}}, &r).message(),
            "unknown op 'drop': one of list, show, add, remove, find_view, bump");
  EXPECT_EQ(DecodeRequest(json{{"op", 3}}, &r).message(),
            "a request needs \"op\": one of list, show, add, remove, find_view, bump");
  EXPECT_EQ(DecodeRequest(json{{"op", "show"}, {"moniker", "x"}}, &r).message(), "request: needs \"kind\"");
  EXPECT_EQ(DecodeRequest(json{{"op", "show"}, {"kind", "table"}, {"moniker", "x"}}, &r).message(),
            "unknown kind 'table': domain, view or query");
  EXPECT_EQ(DecodeRequest(json{{"op", "show"}, {"kind", "view"}}, &r).message(), "request: needs \"moniker\"");
  EXPECT_EQ(DecodeRequest(json{{"op", "list"}, {"extra", 1}}, &r).message(), "request: unknown field 'extra'");
  EXPECT_EQ(DecodeRequest(json{{"op", "add"}, {"kind", "domain"}}, &r).message(),
            "request: adding a domain needs \"domain\": {...}");
  EXPECT_EQ(DecodeRequest(json{{"op", "add"}, {"kind", "domain"}, {"domain", {{"moniker", 5}}}}, &r).message(),
            "domain.moniker: must be a string");
  EXPECT_EQ(DecodeRequest(
                json{{"op", "add"}, {"kind", "domain"}, {"domain", {{"moniker", "d"}, {"properties", {{"a", 1}}}}}}, &r)
                .message(),
            "domain.properties.a: must be a string (a name of 1..128 bytes)");
  EXPECT_EQ(
      DecodeRequest(json{{"op", "add"}, {"kind", "query"}, {"query", {{"moniker", "q"}, {"view", "v"}}}}, &r).message(),
      "query: needs \"text\"");
}

TEST(CatalogProtocol, MonikersAreLettersDigitsAndSeparators) {
  EXPECT_TRUE(CheckMoniker("unity-events_v2.1").ok());
  EXPECT_FALSE(CheckMoniker("").ok());
  EXPECT_FALSE(CheckMoniker("-leading").ok());
  EXPECT_FALSE(CheckMoniker("a/b").ok());
  EXPECT_FALSE(CheckMoniker(std::string(kMaxMonikerBytes + 1, 'a')).ok());
  EXPECT_TRUE(CheckMoniker(std::string(kMaxMonikerBytes, 'a')).ok());
}

TEST(CatalogProtocol, RefusalRoundTripsAndAnUnknownCodeIsNotTheUsersFault) {
  Refused out;
  ASSERT_TRUE(DecodeRefused(EncodeRefused({Refusal::kNotFound, "no view 'x'", {"a:1:2: error: b"}}), &out));
  EXPECT_EQ(out.code, Refusal::kNotFound);
  EXPECT_EQ(out.message, "no view 'x'");
  EXPECT_EQ(out.errors, std::vector<std::string>{"a:1:2: error: b"});
  ASSERT_TRUE(DecodeRefused(json{{"refused", {{"code", "weird"}}}}, &out));
  EXPECT_EQ(out.code, Refusal::kStorage);
  EXPECT_FALSE(DecodeRefused(json{{"domains", json::array()}}, &out));
}

}  // namespace
}  // namespace datablox::catalog
