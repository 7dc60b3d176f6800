#include "isolate/snapshot.h"

#include <cstring>

#include "isolate/code_cache.h"
#include "isolate/run_guard.h"

namespace isorun {

namespace {

constexpr char kMagic[8] = {'I', 'S', 'O', 'R', 'U', 'N', 'S', 'S'};
constexpr uint32_t kFormat = 1;

void PutBytes(std::vector<uint8_t>* out, const void* data, size_t length) {
  code_cache::PutU32(out, uint32_t(length));
  auto* begin = static_cast<const uint8_t*>(data);
  out->insert(out->end(), begin, begin + length);
}

bool GetBytes(const uint8_t* bytes, size_t length, size_t* offset, std::string* out) {
  uint32_t size;
  if (!code_cache::GetU32(bytes, length, offset, &size) || length - *offset < size) return false;
  out->assign(reinterpret_cast<const char*>(bytes + *offset), size);
  *offset += size;
  return true;
}

v8::Local<v8::String> Utf8(v8::Isolate* isolate, const std::string& text) {
  return v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal, int(text.size())).ToLocalChecked();
}

// A snapshot script's ASCII source, lent to one isolate's V8 string instead of decoded into its heap
// (a 100 KB library on every snapshot boot). The Environment holds its snapshot until its isolate is
// disposed, and V8 disposes every external string by then.
class LentSource final : public v8::String::ExternalOneByteStringResource {
 public:
  explicit LentSource(const std::string& text) : text_(text) {}
  const char* data() const override { return text_.data(); }
  size_t length() const override { return text_.size(); }

 private:
  const std::string& text_;
};

bool IsAscii(const std::string& text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

v8::Local<v8::String> SourceOf(v8::Isolate* isolate, const SnapshotScript& script) {
  const std::string& text = script.source;
  if (!script.ascii) return Utf8(isolate, text);
  auto* lent = new LentSource(text);
  v8::Local<v8::String> string;
  // On failure V8 did not take the resource (a string too long for V8 fails the compile anyway).
  if (!v8::String::NewExternalOneByte(isolate, lent).ToLocal(&string)) {
    delete lent;
    return Utf8(isolate, text);
  }
  return string;
}

std::string Describe(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::TryCatch& try_catch) {
  std::string text = "unknown error";
  if (!try_catch.Exception().IsEmpty()) {
    v8::String::Utf8Value utf8(isolate, try_catch.Exception());
    if (*utf8 != nullptr) text = *utf8;
  }
  v8::Local<v8::Message> message = try_catch.Message();
  if (!message.IsEmpty()) {
    v8::String::Utf8Value file(isolate, message->GetScriptResourceName());
    text += " (at " + std::string(*file != nullptr ? *file : "?") + ":" +
            std::to_string(message->GetLineNumber(context).FromMaybe(0)) + ":" +
            std::to_string(message->GetStartColumn(context).FromMaybe(0) + 1) + ")";
  }
  return text;
}

v8::ScriptOrigin Origin(v8::Isolate* isolate, const SnapshotScript& script) {
  return v8::ScriptOrigin(isolate, Utf8(isolate, script.filename), script.line_offset, script.column_offset);
}

}  // namespace

std::shared_ptr<Snapshot> Snapshot::Build(Environment& env, std::vector<SnapshotScript> scripts,
                                          const std::string& warmup, uint64_t timeout_ms, std::string* error) {
  v8::Isolate* isolate = env.isolate();
  v8::Local<v8::Context> context = env.NewContext();
  if (context.IsEmpty()) {
    *error = "could not create a context";
    return nullptr;
  }
  v8::Context::Scope context_scope(context);
  // The caches are made right after compiling, before anything runs: functions that the scripts or the
  // warm-up call often get tiered up to Sparkplug, and V8 11 keeps that mark in a cache made later, so
  // every boot would allocate feedback for and baseline-compile each of them (measured: 4.9 ms instead
  // of 2.9 ms to boot the bench library and create a context). With a warm-up, every function is
  // compiled up front instead (a superset of what the warm-up compiles); the warm-up still runs, so
  // that a failing one fails createSnapshot.
  auto options = warmup.empty() ? v8::ScriptCompiler::kNoCompileOptions : v8::ScriptCompiler::kEagerCompile;
  auto run = [&](SnapshotScript& script, bool cache) {
    RunGuard guard(env, timeout_ms, /*locate=*/true);
    v8::TryCatch try_catch(isolate);
    v8::ScriptOrigin origin = Origin(isolate, script);
    v8::ScriptCompiler::Source source(Utf8(isolate, script.source), origin);
    v8::Local<v8::UnboundScript> unbound;
    bool ok = v8::ScriptCompiler::CompileUnboundScript(isolate, &source,
                                                       cache ? options : v8::ScriptCompiler::kNoCompileOptions)
                  .ToLocal(&unbound);
    if (ok && cache) {
      std::unique_ptr<v8::ScriptCompiler::CachedData> data(v8::ScriptCompiler::CreateCodeCache(unbound));
      script.cache = code_cache::Wrap(data->data, size_t(data->length), code_cache::SourceKeyUtf8(script.source));
      script.v8_cache.assign(data->data, data->data + data->length);
    }
    ok = ok && !unbound->BindToCurrentContext()->Run(context).IsEmpty();
    if (ok) Environment::RunMicrotasks(context);
    if (guard.timed_out()) {
      std::string where = guard.location();
      *error = "script '" + script.filename + "' ran past " + std::to_string(timeout_ms) + " ms" +
               (where.empty() ? "" : " (at " + where + ")");
      return false;
    }
    if (env.memory_exceeded()) {
      *error = "script '" + script.filename + "' exceeded the memory limit";
      return false;
    }
    if (!ok) {
      *error = "script '" + script.filename + "' failed: " + Describe(isolate, context, try_catch);
      return false;
    }
    return true;
  };
  for (SnapshotScript& script : scripts) {
    if (!run(script, true)) return nullptr;
  }
  if (!warmup.empty()) {
    SnapshotScript warm;
    warm.filename = "<warmup>";
    warm.source = warmup;
    if (!run(warm, false)) return nullptr;
  }
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->scripts_ = std::move(scripts);
  return snapshot;
}

std::vector<uint8_t> Snapshot::Serialize() const {
  std::vector<uint8_t> out(kMagic, kMagic + sizeof(kMagic));
  code_cache::PutU32(&out, kFormat);
  code_cache::PutU32(&out, 0);  // total length, filled in below
  code_cache::PutU32(&out, code_cache::V8Tag());
  std::string version = v8::V8::GetVersion();
  PutBytes(&out, version.data(), version.size());
  code_cache::PutU32(&out, uint32_t(scripts_.size()));
  for (const SnapshotScript& script : scripts_) {
    PutBytes(&out, script.filename.data(), script.filename.size());
    code_cache::PutU32(&out, uint32_t(script.line_offset));
    code_cache::PutU32(&out, uint32_t(script.column_offset));
    PutBytes(&out, script.source.data(), script.source.size());
    PutBytes(&out, script.cache.data(), script.cache.size());
  }
  uint32_t total = uint32_t(out.size() + 32);
  for (int i = 0; i < 4; ++i) out[sizeof(kMagic) + 4 + i] = uint8_t(total >> (8 * i));
  code_cache::Digest checksum = code_cache::Sha256(out.data(), out.size());
  out.insert(out.end(), checksum.begin(), checksum.end());
  return out;
}

std::shared_ptr<const Snapshot> Snapshot::Parse(const uint8_t* bytes, size_t length, std::string* error) {
  // `fs.readFileSync(file).buffer` can be Node's shared pool with the bundle somewhere inside, so
  // every place the magic appears is a candidate; the checksum decides.
  constexpr size_t kMinimum = sizeof(kMagic) + 4 + 4 + 4 + 4 + 4 + 32;
  std::string first_error = "not an isorun snapshot";
  bool found = false;
  // Checksumming each candidate up to the length it claims made a crafted buffer (the magic every 16
  // bytes, each claiming the rest) quadratic: 75 s of Node's thread for 1 MB. All the checksums
  // together read at most about twice the buffer.
  size_t hash_budget = 2 * length + (size_t(1) << 20);
  for (size_t at = 0; bytes != nullptr && length >= kMinimum && at <= length - kMinimum; ++at) {
    if (std::memcmp(bytes + at, kMagic, sizeof(kMagic)) != 0) continue;
    if (hash_budget == 0) {
      *error = "too many places in the buffer look like the start of a snapshot";
      return nullptr;
    }
    std::string candidate_error;
    auto snapshot = ParseAt(bytes + at, length - at, &hash_budget, &candidate_error);
    if (snapshot) return snapshot;
    if (!found) first_error = candidate_error;
    found = true;
  }
  *error = first_error;
  return nullptr;
}

std::shared_ptr<const Snapshot> Snapshot::ParseAt(const uint8_t* bytes, size_t length, size_t* hash_budget,
                                                  std::string* error) {
  size_t offset = sizeof(kMagic);
  uint32_t format;
  uint32_t total;
  uint32_t tag;
  code_cache::GetU32(bytes, length, &offset, &format);
  if (format != kFormat) {
    *error =
        "snapshot format " + std::to_string(format) + " is not supported (expected " + std::to_string(kFormat) + ")";
    return nullptr;
  }
  code_cache::GetU32(bytes, length, &offset, &total);
  if (total > length || total < offset + 32) {
    *error = "snapshot is truncated";
    return nullptr;
  }
  size_t body = size_t(total) - 32;
  if (body > *hash_budget) {
    *hash_budget = 0;
    *error = "too many places in the buffer look like the start of a snapshot";
    return nullptr;
  }
  *hash_budget -= body;
  code_cache::Digest checksum = code_cache::Sha256(bytes, body);
  if (std::memcmp(bytes + body, checksum.data(), 32) != 0) {
    *error = "snapshot is corrupt (checksum mismatch)";
    return nullptr;
  }
  code_cache::GetU32(bytes, body, &offset, &tag);
  std::string version;
  if (!GetBytes(bytes, body, &offset, &version)) {
    *error = "snapshot is truncated";
    return nullptr;
  }
  if (tag != code_cache::V8Tag()) {
    *error = "snapshot was made by V8 " + version + " with other flags or version; this process runs V8 " +
             v8::V8::GetVersion() + ": make it again";
    return nullptr;
  }
  uint32_t count;
  if (!code_cache::GetU32(bytes, body, &offset, &count)) {
    *error = "snapshot is truncated";
    return nullptr;
  }
  auto snapshot = std::make_shared<Snapshot>();
  for (uint32_t i = 0; i < count; ++i) {
    SnapshotScript script;
    uint32_t line;
    uint32_t column;
    std::string cache;
    if (!GetBytes(bytes, body, &offset, &script.filename) || !code_cache::GetU32(bytes, body, &offset, &line) ||
        !code_cache::GetU32(bytes, body, &offset, &column) || !GetBytes(bytes, body, &offset, &script.source) ||
        !GetBytes(bytes, body, &offset, &cache)) {
      *error = "snapshot is truncated";
      return nullptr;
    }
    script.line_offset = int(int32_t(line));
    script.column_offset = int(int32_t(column));
    script.cache.assign(cache.begin(), cache.end());
    const uint8_t* payload = nullptr;
    size_t payload_length = 0;
    if (!code_cache::Unwrap(script.cache.data(), script.cache.size(), code_cache::SourceKeyUtf8(script.source),
                            &payload, &payload_length)) {
      *error = "snapshot's code cache for '" + script.filename + "' does not belong to its source";
      return nullptr;
    }
    script.v8_cache.assign(payload, payload + payload_length);
    script.ascii = IsAscii(script.source);
    snapshot->scripts_.push_back(std::move(script));
  }
  if (offset != body) {
    *error = "snapshot has trailing bytes";
    return nullptr;
  }
  return snapshot;
}

bool Snapshot::Compile(v8::Isolate* isolate, std::vector<v8::Global<v8::UnboundScript>>* scripts) const {
  // The bundle was verified once when read; booting an isolate hashes nothing.
  for (const SnapshotScript& script : scripts_) {
    v8::ScriptOrigin origin = Origin(isolate, script);
    v8::ScriptCompiler::Source source(
        SourceOf(isolate, script), origin,
        new v8::ScriptCompiler::CachedData(script.v8_cache.data(), int(script.v8_cache.size())));
    v8::Local<v8::UnboundScript> unbound;
    if (!v8::ScriptCompiler::CompileUnboundScript(isolate, &source, v8::ScriptCompiler::kConsumeCodeCache)
             .ToLocal(&unbound)) {
      scripts->clear();
      return false;
    }
    scripts->emplace_back(isolate, unbound);
  }
  return true;
}

}  // namespace isorun
