#include "cell/worker/scan_protocol.h"

#include <gtest/gtest.h>

#include <string>

namespace datablox::worker {
namespace {

using nlohmann::json;

json Locus(int n) {
  return {{"locus", n}, {"files", {"f" + std::to_string(n)}}, {"addresses", {"tcp://127.0.0.1:5001"}},
          {"paradata", "{}"}};
}

json Request() {
  return {{"domain", "unity"},
          {"view", "events"},
          {"generation", "00000000000000ff"},
          {"loci", {Locus(0), Locus(1), Locus(2)}},
          {"deal", {{"0", {0, 2}}, {"1", {1}}}},
          {"query", "select count(user) from schema unity"},
          {"schema", "schema unity { ... }"},
          {"now", 1700000000000}};
}

std::string Refusal(const json& request) {
  ScanRequest out;
  Status st = ParseScanRequest(request.dump(), &out);
  return st.ok() ? "accepted" : st.message();
}

TEST(ScanProtocolTest, ARequestRoundTripsThroughItsEncoding) {
  ScanRequest request;
  ASSERT_TRUE(ParseScanRequest(Request().dump(), &request).ok());
  EXPECT_EQ(request.generation, (GenerationKey{"unity", "events", 255}));
  EXPECT_EQ(request.deal, (std::map<int, std::vector<int>>{{0, {0, 2}}, {1, {1}}}));
  EXPECT_EQ(request.now_ms, 1700000000000);
  EXPECT_EQ(request.timeout_ms, 0);
  request.timeout_ms = 2500;
  ScanRequest again;
  ASSERT_TRUE(ParseScanRequest(EncodeScanRequest(request), &again).ok());
  EXPECT_EQ(again.generation, request.generation);
  EXPECT_EQ(again.loci, request.loci);
  EXPECT_EQ(again.deal, request.deal);
  EXPECT_EQ(again.query, request.query);
  EXPECT_EQ(again.schema, request.schema);
  EXPECT_EQ(again.timeout_ms, 2500);
}

TEST(ScanProtocolTest, AMemberGetsTheLociItIsDealtAndTheirNumbers) {
  ScanRequest request;
  ASSERT_TRUE(ParseScanRequest(Request().dump(), &request).ok());
  const DealtLoci zero = LociDealtTo(request, 0);
  EXPECT_EQ(zero.numbers, (std::vector<int>{0, 2}));
  EXPECT_EQ(zero.fetch["generation"], "00000000000000ff");
  EXPECT_EQ(zero.fetch["loci"], json({Locus(0), Locus(2)}));
  const DealtLoci absent = LociDealtTo(request, 7);  // not in the deal: nothing to scan
  EXPECT_TRUE(absent.numbers.empty());
  EXPECT_TRUE(absent.fetch["loci"].empty());
}

TEST(ScanProtocolTest, EveryMalformedFieldIsRefusedWithItsName) {
  auto without = [](const char* field) {
    json r = Request();
    r.erase(field);
    return r;
  };
  auto with = [](const char* field, json value) {
    json r = Request();
    r[field] = std::move(value);
    return r;
  };
  EXPECT_EQ(Refusal(without("domain")), "scan request: \"domain\" must be a non-empty string");
  EXPECT_EQ(Refusal(with("view", 3)), "scan request: \"view\" must be a non-empty string");
  EXPECT_EQ(Refusal(with("generation", "xyz")), "scan request: \"generation\" must be 16 hex digits");
  EXPECT_EQ(Refusal(with("generation", "00000000000000fg")), "scan request: \"generation\" must be 16 hex digits");
  EXPECT_EQ(Refusal(without("loci")), "scan request: \"loci\" must be an array");
  EXPECT_EQ(Refusal(with("loci", {1, 2})), "scan request: \"loci\" must hold objects (the sample store's loci)");
  EXPECT_EQ(Refusal(without("deal")),
            "scan request: \"deal\" must be an object of member id -> [locus index, ...]");
  EXPECT_EQ(Refusal(with("deal", {{"one", {0}}})), "scan request: \"deal\" key 'one' is no member id");
  EXPECT_EQ(Refusal(with("deal", {{"01", {0}}})), "scan request: \"deal\" key '01' is no member id");
  EXPECT_EQ(Refusal(with("deal", {{"-1", {0}}})), "scan request: \"deal\" key '-1' is no member id");
  EXPECT_EQ(Refusal(with("deal", {{"0", 1}})), "scan request: \"deal\" member 0: must be an array of locus indices");
  EXPECT_EQ(Refusal(with("deal", {{"0", {3}}})), "scan request: \"deal\" member 0: 3 is no index into the 3 loci");
  EXPECT_EQ(Refusal(with("deal", {{"0", {-1}}})), "scan request: \"deal\" member 0: -1 is no index into the 3 loci");
  EXPECT_EQ(Refusal(with("deal", {{"0", {"1"}}})),
            "scan request: \"deal\" member 0: \"1\" is no index into the 3 loci");
  EXPECT_EQ(Refusal(with("deal", {{"0", {1}}, {"1", {1}}})), "scan request: \"deal\" locus 1 is dealt twice");
  EXPECT_EQ(Refusal(without("query")), "scan request: \"query\" must be a non-empty string");
  EXPECT_EQ(Refusal(with("schema", "")), "scan request: \"schema\" must be a non-empty string");
  EXPECT_EQ(Refusal(without("now")), "scan request: \"now\" must be an integer (epoch milliseconds)");
  EXPECT_EQ(Refusal(with("now", 1.5)), "scan request: \"now\" must be an integer (epoch milliseconds)");
  EXPECT_EQ(Refusal(with("timeout_ms", 0)), "scan request: \"timeout_ms\" must be an integer in 1..86400000");
  EXPECT_EQ(Refusal(with("timeout_ms", "5")), "scan request: \"timeout_ms\" must be an integer in 1..86400000");
  EXPECT_EQ(Refusal(json::array()), "scan request: not an object");
  ScanRequest out;
  EXPECT_EQ(ParseScanRequest("{\"domain\": ", &out).message(), "scan request: not JSON");
}

TEST(ScanProtocolTest, SizeAndDepthLimitsAreRefusedBeforeAnythingIsBuilt) {
  ScanRequest out;
  const std::string deep = std::string(kMaxScanRequestDepth + 1, '[') + std::string(kMaxScanRequestDepth + 1, ']');
  EXPECT_EQ(ParseScanRequest(deep, &out).message(), "scan request: JSON nested deeper than 8 levels");
  json r = Request();
  r["loci"][0]["paradata"] = {{"a", {{"b", {{"c", {{"d", {{"e", {1}}}}}}}}}}};  // the rest of the request is shallow
  EXPECT_EQ(Refusal(r), "scan request: JSON nested deeper than 8 levels");
  EXPECT_EQ(ParseScanRequest(std::string(kMaxScanRequestBytes + 1, ' '), &out).message(),
            "scan request: over 16777216 bytes");
  r = Request();
  r["query"] = std::string(kMaxScanQueryBytes + 1, 'x');
  EXPECT_EQ(Refusal(r), "scan request: \"query\" is over 65536 bytes");
  r = Request();
  r["schema"] = std::string(kMaxScanSchemaBytes + 1, 'x');
  EXPECT_EQ(Refusal(r), "scan request: \"schema\" is over 1048576 bytes");
  r = Request();
  r["loci"] = json::array();
  for (size_t i = 0; i <= kMaxScanLoci; ++i) r["loci"].push_back(json::object());
  r["deal"] = json::object();
  EXPECT_EQ(Refusal(r), "scan request: \"loci\" holds over 65536 loci");
}

ScanReply SampleReply() {
  ScanReply reply;
  reply.partial = std::string("\x93\xff\x00", 3);  // bytes, not text: carried as they are
  reply.generation_text = "00000000000000ff";
  reply.workers = {{1, "unity/events@255#1", "nexus", 40, 10, 12.5, 0.75}};
  return reply;
}

TEST(ScanProtocolTest, AReplyRoundTripsWithItsBytes) {
  LogBuilder built;
  EncodeScanReply(SampleReply(), &built);
  const OwnedLog log{std::string(built.bytes())};
  ScanReply decoded;
  Status st = DecodeScanReply(log.log(), &decoded);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(decoded.partial, SampleReply().partial);
  EXPECT_EQ(decoded.generation_text, "00000000000000ff");
  EXPECT_EQ(decoded.workers, SampleReply().workers);
}

std::string ReplyRefusal(const std::string& json_text) {
  OwnedLog log;
  EXPECT_TRUE(OwnedLog::FromJson(json_text, &log).ok()) << json_text;
  ScanReply out;
  Status st = DecodeScanReply(log.log(), &out);
  return st.ok() ? "accepted" : st.message();
}

TEST(ScanProtocolTest, AMalformedReplyIsRefusedWithItsField) {
  // From JSON the partial is a string, never bytes.
  EXPECT_EQ(ReplyRefusal(R"({"partial": "x", "generation": "00000000000000ff", "workers": []})"),
            "scan reply: \"partial\" must be bytes (an encoded partial)");
  LogBuilder b;
  b.add_bytes("partial", "x").add("generation", "ff").add_json("workers", "[]");
  const OwnedLog short_generation{std::string(b.bytes())};
  ScanReply out;
  EXPECT_EQ(DecodeScanReply(short_generation.log(), &out).message(), "scan reply: \"generation\" must be 16 hex digits");
  auto with_workers = [](std::string_view workers) {
    LogBuilder b;
    b.add_bytes("partial", "x").add("generation", "00000000000000ff");
    EXPECT_TRUE(b.add_json("workers", workers).ok());
    const OwnedLog log{std::string(b.bytes())};
    ScanReply out;
    Status st = DecodeScanReply(log.log(), &out);
    return st.ok() ? std::string("accepted") : st.message();
  };
  EXPECT_EQ(with_workers("{}"), "scan reply: \"workers\" must be an array");
  EXPECT_EQ(with_workers("[1]"), "scan reply: \"workers\" entry 0: not a map");
  EXPECT_EQ(with_workers(R"([{"worker": -1}])"), "scan reply: \"workers\" entry 0: \"worker\" must be a count");
  EXPECT_EQ(with_workers(R"([{"worker": 1, "slice": 2, "source": "disk"}])"),
            "scan reply: \"workers\" entry 0: \"slice\" and \"source\" must be strings");
  EXPECT_EQ(with_workers(R"([{"worker": 1, "slice": "s", "source": "disk", "rows_scanned": 1.5}])"),
            "scan reply: \"workers\" entry 0: \"rows_scanned\" must be a count");
  EXPECT_EQ(with_workers(R"([{"worker": 1, "slice": "s", "source": "disk", "rows_scanned": 1, "blobs": 1,
                             "load_ms": "x"}])"),
            "scan reply: \"workers\" entry 0: \"load_ms\" must be a number");
  EXPECT_EQ(with_workers(R"([{"worker": 1, "slice": "s", "source": "disk", "rows_scanned": 1, "blobs": 1,
                             "load_ms": 1, "scan_ms": 2}])"),
            "accepted");
}

}  // namespace
}  // namespace datablox::worker
