// Code caches isorun built itself: V8's bytes wrapped with the hash of their full source, V8's
// fingerprint and a checksum, because V8 alone checks only the source's length (CVE-2022-39266).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <v8.h>

namespace isorun::code_cache {

using Digest = std::array<uint8_t, 32>;

Digest Sha256(const uint8_t* data, size_t length);
// V8's version and flags, as V8 fingerprints its own caches.
uint32_t V8Tag();
// What a cache is keyed by: the source's UTF-16 code units and V8's fingerprint.
Digest SourceKey(v8::Isolate* isolate, v8::Local<v8::String> source);
// The same for a snapshot script's UTF-8 source, checkable without an isolate.
Digest SourceKeyUtf8(const std::string& source);

std::vector<uint8_t> Wrap(const uint8_t* payload, size_t length, const Digest& source_key);
// The V8 bytes inside `bytes` when it is an intact isorun cache for this source on this V8.
bool Unwrap(const uint8_t* bytes, size_t length, const Digest& source_key, const uint8_t** payload,
            size_t* payload_length);

// Little-endian helpers shared with the snapshot format.
void PutU32(std::vector<uint8_t>* out, uint32_t value);
bool GetU32(const uint8_t* bytes, size_t length, size_t* offset, uint32_t* value);

}  // namespace isorun::code_cache
