#include "isolate/limited_allocator.h"

#include <cstdlib>

namespace isorun {

namespace {
// V8 aborts the process if a tiny internal allocation fails, so those are never refused.
constexpr size_t kAlwaysAdmitted = 64;
}  // namespace

bool LimitedAllocator::Admit(size_t length) {
  size_t before = used_.fetch_add(length, std::memory_order_relaxed);
  if (length <= kAlwaysAdmitted) return true;
  if (before + length + heap_used_.load(std::memory_order_relaxed) <= limit_) return true;
  used_.fetch_sub(length, std::memory_order_relaxed);
  return false;
}

void* LimitedAllocator::Allocate(size_t length) {
  if (!Admit(length)) return nullptr;
  void* data = std::calloc(length == 0 ? 1 : length, 1);
  if (data == nullptr) used_.fetch_sub(length, std::memory_order_relaxed);
  return data;
}

void* LimitedAllocator::AllocateUninitialized(size_t length) {
  if (!Admit(length)) return nullptr;
  void* data = std::malloc(length == 0 ? 1 : length);
  if (data == nullptr) used_.fetch_sub(length, std::memory_order_relaxed);
  return data;
}

void LimitedAllocator::Free(void* data, size_t length) {
  if (data == nullptr) return;
  used_.fetch_sub(length, std::memory_order_relaxed);
  std::free(data);
}

}  // namespace isorun
