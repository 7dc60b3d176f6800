// Finished tasks on their way to the Node thread. Engine threads push without a lock, so a thread the OS
// has just preempted (or one running a demoted, stuck guest) never holds up the Node thread; Node's own
// thread-safe function held a mutex across each push and each pop, and the Node thread waited on it.
// The Node thread takes everything queued at once, in the order it was pushed.
#pragma once

#include <atomic>
#include <memory>

#include <uv.h>

namespace isorun {

struct Completion;

class CompletionQueue {
 public:
  // `deliver(owner, first)` runs on the loop's thread with the queued completions linked through `next`,
  // oldest first; it owns them.
  using Deliver = void (*)(void* owner, Completion* first);
  CompletionQueue(uv_loop_t* loop, Deliver deliver, void* owner);
  ~CompletionQueue();
  CompletionQueue(const CompletionQueue&) = delete;
  CompletionQueue& operator=(const CompletionQueue&) = delete;

  bool ok() const { return async_ != nullptr; }
  // Any thread. After Close, the completion is dropped.
  void Push(std::unique_ptr<Completion> completion);
  // Loop thread: whether a pending delivery keeps the event loop alive.
  void Ref();
  void Unref();
  // Loop thread, once no other thread can push any more: drops what is queued.
  void Close();

 private:
  static void OnAsync(uv_async_t* async);
  Completion* TakeAll();

  std::atomic<Completion*> head_{nullptr};  // newest first
  uv_async_t* async_ = nullptr;             // heap-allocated: libuv frees it only after a later loop turn
  std::atomic<bool> closed_{false};
  Deliver deliver_;
  void* owner_;
};

}  // namespace isorun
