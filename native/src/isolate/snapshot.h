// isorun's snapshot: a versioned, checksummed bundle of scripts and their V8 code cache. V8 startup
// snapshots cannot be per isolate on stock Node (one shared read-only heap), so an isolate "boots"
// from this by replaying the scripts with the cache.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "isolate/environment.h"

namespace isorun {

struct SnapshotScript {
  std::string filename;
  int line_offset = 0;
  int column_offset = 0;
  std::string source;          // UTF-8
  bool ascii = false;          // all ASCII (set when a bundle is read): isolates borrow it, not decode it
  std::vector<uint8_t> cache;  // code_cache envelope, keyed by SourceKeyUtf8(source)
  // V8's bytes inside `cache`, verified once when the bundle is read.
  std::vector<uint8_t> v8_cache;
};

class Snapshot : public ContextSetup {
 public:
  // Compiles and caches `scripts`, then runs them and `warmup` in a fresh context of `env` (each
  // bounded by `timeout_ms`). Null with *error naming the failing script and line.
  static std::shared_ptr<Snapshot> Build(Environment& env, std::vector<SnapshotScript> scripts,
                                         const std::string& warmup, uint64_t timeout_ms, std::string* error);
  // Verifies and reads a bundle. Null with *error saying what is wrong.
  static std::shared_ptr<const Snapshot> Parse(const uint8_t* bytes, size_t length, std::string* error);
  std::vector<uint8_t> Serialize() const;

  bool Compile(v8::Isolate* isolate, std::vector<v8::Global<v8::UnboundScript>>* scripts) const override;

  const std::vector<SnapshotScript>& scripts() const { return scripts_; }

 private:
  // `hash_budget`: bytes the checksums of all candidates may still read (see Parse).
  static std::shared_ptr<const Snapshot> ParseAt(const uint8_t* bytes, size_t length, size_t* hash_budget,
                                                 std::string* error);

  std::vector<SnapshotScript> scripts_;
};

}  // namespace isorun
