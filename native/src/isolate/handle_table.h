// Persistent handles into one guest, addressed by id; touched only under that guest's lock.
#pragma once

#include <cstdint>
#include <unordered_map>

#include <v8.h>

namespace isorun {

template <class T>
class HandleTable {
 public:
  void Put(uint64_t id, v8::Isolate* isolate, v8::Local<T> value) { map_[id].Reset(isolate, value); }

  v8::Local<T> Get(v8::Isolate* isolate, uint64_t id) const {
    auto found = map_.find(id);
    if (found == map_.end()) return v8::Local<T>();
    return found->second.Get(isolate);
  }

  // Some live entry, or empty.
  v8::Local<T> Any(v8::Isolate* isolate) const {
    return map_.empty() ? v8::Local<T>() : map_.begin()->second.Get(isolate);
  }

  void Remove(uint64_t id) { map_.erase(id); }
  void Clear() { map_.clear(); }
  size_t size() const { return map_.size(); }

 private:
  std::unordered_map<uint64_t, v8::Global<T>> map_;
};

}  // namespace isorun
