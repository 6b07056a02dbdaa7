#include <gtest/gtest.h>

#include "core/crypto.h"
#include "core/http_range.h"
#include "core/url_signing.h"
#include "core/wire.h"

namespace tonearm {
namespace {

TEST(HttpRange, ResolvesOpenEndedSuffixAndClampedRanges) {
    ByteRange r;
    ASSERT_EQ(ResolveRangeHeader("bytes=10-", 100, &r), RangeParse::kSatisfiable);
    EXPECT_EQ(r.first, 10);
    EXPECT_EQ(r.last, 99);
    ASSERT_EQ(ResolveRangeHeader("bytes=-30", 100, &r), RangeParse::kSatisfiable);
    EXPECT_EQ(r.first, 70);
    EXPECT_EQ(r.last, 99);
    ASSERT_EQ(ResolveRangeHeader("bytes=-300", 100, &r), RangeParse::kSatisfiable);
    EXPECT_EQ(r.first, 0);
    ASSERT_EQ(ResolveRangeHeader("bytes=90-500", 100, &r), RangeParse::kSatisfiable);
    EXPECT_EQ(r.last, 99);
    EXPECT_EQ(r.Length(), 10);
}

TEST(HttpRange, StartPastEndIsUnsatisfiable) {
    ByteRange r;
    EXPECT_EQ(ResolveRangeHeader("bytes=100-", 100, &r), RangeParse::kUnsatisfiable);
    EXPECT_EQ(ResolveRangeHeader("bytes=-0", 100, &r), RangeParse::kUnsatisfiable);
}

TEST(HttpRange, MalformedOrMultiRangeIsIgnored) {
    ByteRange r;
    EXPECT_EQ(ResolveRangeHeader("bytes=5-2", 100, &r), RangeParse::kNone);
    EXPECT_EQ(ResolveRangeHeader("bytes=0-1,5-6", 100, &r), RangeParse::kNone);
    EXPECT_EQ(ResolveRangeHeader("items=0-1", 100, &r), RangeParse::kNone);
    EXPECT_EQ(ResolveRangeHeader("bytes=a-b", 100, &r), RangeParse::kNone);
    EXPECT_EQ(ResolveRangeHeader("bytes=99999999999999999999-", 100, &r), RangeParse::kNone);
}

TEST(HttpRange, ParsesContentRange) {
    auto cr = ParseContentRange("bytes 5-9/100");
    ASSERT_TRUE(cr.has_value());
    EXPECT_EQ(cr->first, 5);
    EXPECT_EQ(cr->last, 9);
    EXPECT_EQ(cr->total, 100);
    EXPECT_FALSE(ParseContentRange("bytes 5-200/100").has_value());
    EXPECT_FALSE(ParseContentRange("bytes */100").has_value());
}

TEST(UrlSigner, AcceptsItsOwnSignatureAndRejectsTampering) {
    UrlSigner signer({{"k1", "secret-one"}, {"k2", "secret-two"}}, "k1");
    std::string url = signer.Sign("/audio/t/1/160.ogg", 2000);
    EXPECT_EQ(url.rfind("/audio/t/1/160.ogg?kid=k1&exp=2000&sig=", 0), 0u);
    std::string sig = url.substr(url.find("sig=") + 4);

    EXPECT_TRUE(signer.Verify("/audio/t/1/160.ogg", {"k1", 2000, sig}, 1999).ok());
    EXPECT_FALSE(signer.Verify("/audio/t/1/320.ogg", {"k1", 2000, sig}, 1999).ok());
    EXPECT_FALSE(signer.Verify("/audio/t/1/160.ogg", {"k1", 2001, sig}, 1999).ok());
    EXPECT_FALSE(signer.Verify("/audio/t/1/160.ogg", {"k2", 2000, sig}, 1999).ok());
    EXPECT_FALSE(signer.Verify("/audio/t/1/160.ogg", {"k9", 2000, sig}, 1999).ok());
    Status expired = signer.Verify("/audio/t/1/160.ogg", {"k1", 2000, sig}, 2001);
    ASSERT_FALSE(expired.ok());
    EXPECT_EQ(expired.error().code, ErrorCode::kForbidden);
}

TEST(Crypto, Sha256MatchesKnownVector) {
    EXPECT_EQ(crypto::Sha256Hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Wire, ManifestRoundTripsThroughJson) {
    Manifest m;
    m.track_id = "abc";
    m.sample_rate = 44100;
    m.channels = 2;
    m.duration_samples = 441000;
    m.loudness.integrated_lufs = -12.5;
    Variant v;
    v.kbps = 160;
    v.size = 1000;
    v.sha256 = "00";
    v.header_bytes = 100;
    v.seek_index = {{0, 100}, {44100, 500}};
    m.variants.push_back(v);

    auto parsed = ManifestFromJson(ToJson(m));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->duration_samples, 441000);
    ASSERT_EQ(parsed->variants.size(), 1u);
    EXPECT_EQ(parsed->variants[0].seek_index[1].byte_offset, 500);
    EXPECT_DOUBLE_EQ(parsed->loudness.integrated_lufs, -12.5);
}

TEST(Wire, MalformedManifestIsAnErrorNotACrash) {
    EXPECT_FALSE(ParseJson("{\"track_id\": ").ok());
    auto j = ParseJson(R"({"track_id":"a","sample_rate":"x","channels":2,"duration_samples":1})");
    ASSERT_TRUE(j.ok());
    auto m = ManifestFromJson(*j);
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find("sample_rate"), std::string::npos);
    auto bad_index = ParseJson(R"({"track_id":"a","sample_rate":44100,"channels":2,
        "duration_samples":1,"variants":[{"kbps":96,"size":10,"sha256":"x","header_bytes":5,
        "seek_index":[[0,8],[1,7]]}]})");
    EXPECT_FALSE(ManifestFromJson(*bad_index).ok());
}

}  // namespace
}  // namespace tonearm
