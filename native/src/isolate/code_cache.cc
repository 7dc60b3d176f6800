#include "isolate/code_cache.h"

#include <cstring>

#include <openssl/sha.h>

namespace isorun::code_cache {

namespace {
constexpr char kMagic[8] = {'I', 'S', 'O', 'R', 'U', 'N', 'C', 'C'};
constexpr uint32_t kFormat = 1;
}  // namespace

Digest Sha256(const uint8_t* data, size_t length) {
  Digest digest;
  SHA256(data, length, digest.data());
  return digest;
}

uint32_t V8Tag() { return v8::ScriptCompiler::CachedDataVersionTag(); }

Digest SourceKey(v8::Isolate* isolate, v8::Local<v8::String> source) {
  std::vector<uint8_t> bytes;
  PutU32(&bytes, V8Tag());
  size_t length = size_t(source->Length());
  bytes.resize(4 + length * 2);
  source->Write(isolate, reinterpret_cast<uint16_t*>(bytes.data() + 4), 0, int(length),
                v8::String::NO_NULL_TERMINATION);
  return Sha256(bytes.data(), bytes.size());
}

Digest SourceKeyUtf8(const std::string& source) {
  std::vector<uint8_t> bytes;
  PutU32(&bytes, V8Tag());
  bytes.insert(bytes.end(), source.begin(), source.end());
  return Sha256(bytes.data(), bytes.size());
}

void PutU32(std::vector<uint8_t>* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out->push_back(uint8_t(value >> (8 * i)));
}

bool GetU32(const uint8_t* bytes, size_t length, size_t* offset, uint32_t* value) {
  if (*offset > length || length - *offset < 4) return false;
  *value = 0;
  for (int i = 0; i < 4; ++i) *value |= uint32_t(bytes[*offset + i]) << (8 * i);
  *offset += 4;
  return true;
}

std::vector<uint8_t> Wrap(const uint8_t* payload, size_t length, const Digest& source_key) {
  std::vector<uint8_t> out(kMagic, kMagic + sizeof(kMagic));
  PutU32(&out, kFormat);
  PutU32(&out, V8Tag());
  out.insert(out.end(), source_key.begin(), source_key.end());
  PutU32(&out, uint32_t(length));
  out.insert(out.end(), payload, payload + length);
  Digest checksum = Sha256(out.data(), out.size());
  out.insert(out.end(), checksum.begin(), checksum.end());
  return out;
}

bool Unwrap(const uint8_t* bytes, size_t length, const Digest& source_key, const uint8_t** payload,
            size_t* payload_length) {
  size_t header = sizeof(kMagic) + 4 + 4 + 32 + 4;
  if (bytes == nullptr || length < header + 32 || std::memcmp(bytes, kMagic, sizeof(kMagic)) != 0) return false;
  size_t offset = sizeof(kMagic);
  uint32_t format;
  uint32_t tag;
  uint32_t size;
  GetU32(bytes, length, &offset, &format);
  GetU32(bytes, length, &offset, &tag);
  if (format != kFormat || tag != V8Tag()) return false;
  if (std::memcmp(bytes + offset, source_key.data(), 32) != 0) return false;
  offset += 32;
  GetU32(bytes, length, &offset, &size);
  if (length - offset != size_t(size) + 32) return false;
  Digest checksum = Sha256(bytes, offset + size);
  if (std::memcmp(bytes + offset + size, checksum.data(), 32) != 0) return false;
  *payload = bytes + offset;
  *payload_length = size;
  return true;
}

}  // namespace isorun::code_cache
