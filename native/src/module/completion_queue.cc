#include "module/completion_queue.h"

#include "module/addon.h"
#include "module/task.h"

namespace isorun {

CompletionQueue::CompletionQueue(uv_loop_t* loop, Deliver deliver, void* owner) : deliver_(deliver), owner_(owner) {
  if (loop == nullptr) return;
  async_ = new uv_async_t;
  if (uv_async_init(loop, async_, &CompletionQueue::OnAsync) != 0) {
    delete async_;
    async_ = nullptr;
    return;
  }
  async_->data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(async_));
}

CompletionQueue::~CompletionQueue() { Close(); }

void CompletionQueue::Push(std::unique_ptr<Completion> completion) {
  if (closed_.load(std::memory_order_acquire)) return;
  Completion* node = completion.release();
  node->next = head_.load(std::memory_order_relaxed);
  while (!head_.compare_exchange_weak(node->next, node, std::memory_order_release, std::memory_order_relaxed)) {
  }
  // Every push signals (a cheap flag test when a wake-up is already pending): a pusher preempted between
  // its push and its signal then delays no other pusher's completion.
  uv_async_send(async_);
}

Completion* CompletionQueue::TakeAll() {
  Completion* newest = head_.exchange(nullptr, std::memory_order_acquire);
  Completion* oldest = nullptr;
  while (newest != nullptr) {
    Completion* next = newest->next;
    newest->next = oldest;
    oldest = newest;
    newest = next;
  }
  return oldest;
}

void CompletionQueue::OnAsync(uv_async_t* async) {
  auto* self = static_cast<CompletionQueue*>(async->data);
  if (Completion* first = self->TakeAll()) self->deliver_(self->owner_, first);
}

void CompletionQueue::Ref() {
  if (async_ != nullptr) uv_ref(reinterpret_cast<uv_handle_t*>(async_));
}

void CompletionQueue::Unref() {
  if (async_ != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(async_));
}

void CompletionQueue::Close() {
  if (closed_.exchange(true)) return;
  for (Completion* node = TakeAll(); node != nullptr;) {
    std::unique_ptr<Completion> dropped(node);
    node = node->next;
  }
  if (async_ == nullptr) return;
  uv_close(reinterpret_cast<uv_handle_t*>(async_),
           [](uv_handle_t* handle) { delete reinterpret_cast<uv_async_t*>(handle); });
  async_ = nullptr;
}

}  // namespace isorun
