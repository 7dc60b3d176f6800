// ArrayBuffer allocator for one guest: counts every byte and refuses past the isolate's memory cap.
#pragma once

#include <atomic>
#include <cstddef>

#include <v8.h>

namespace isorun {

class LimitedAllocator : public v8::ArrayBuffer::Allocator {
 public:
  explicit LimitedAllocator(size_t limit_bytes) : limit_(limit_bytes) {}

  void* Allocate(size_t length) override;
  void* AllocateUninitialized(size_t length) override;
  void Free(void* data, size_t length) override;

  // Memory allocated elsewhere that a guest now holds (an ArrayBuffer transferred in): counted and
  // refused past the cap like an allocation. Uncount() when the guest's buffer is freed (any thread).
  bool Count(size_t length) { return Admit(length); }
  void Uncount(size_t length) { used_.fetch_sub(length, std::memory_order_relaxed); }

  size_t used() const { return used_.load(std::memory_order_relaxed); }
  size_t limit() const { return limit_; }
  // Heap size after the last GC: buffers may use what the heap leaves of the cap.
  void set_heap_used(size_t bytes) { heap_used_.store(bytes, std::memory_order_relaxed); }

 private:
  bool Admit(size_t length);

  const size_t limit_;
  // Free() runs on V8's background threads: atomics only.
  std::atomic<size_t> used_{0};
  std::atomic<size_t> heap_used_{0};
};

}  // namespace isorun
