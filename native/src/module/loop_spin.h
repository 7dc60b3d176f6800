// Short busy-polling of Node's event loop while a quick async call is about to come home.
#pragma once

#include <cstddef>
#include <cstdint>

#include <uv.h>

namespace isorun {

// A trivial async call completes a few µs after it is posted, and waking Node's thread from epoll costs
// as much again. For a short window after each awaited call is posted the loop polls instead of sleeping
// (an active idle handle makes libuv poll with a zero timeout), but only while most such windows end
// with a completion: a server whose calls take longer stops spinning after a few misses and only
// probes now and then. Node thread only.
class LoopSpin {
 public:
  explicit LoopSpin(uv_loop_t* loop);
  ~LoopSpin();
  LoopSpin(const LoopSpin&) = delete;
  LoopSpin& operator=(const LoopSpin&) = delete;

  // A call that a promise waits for was posted / came home (ignored calls neither start nor end a spin).
  void Posted();
  void Completed();
  // Stops for good (environment teardown).
  void Close();

 private:
  static void OnIdle(uv_idle_t* handle);
  void Start(uint64_t now);
  void End(bool productive);

  uv_idle_t* handle_ = nullptr;  // heap-allocated: libuv frees it only after a later loop turn
  bool spinning_ = false;
  bool completed_ = false;  // a completion arrived during the current window
  uint64_t window_end_ = 0;
  size_t outstanding_ = 0;
  int score_;        // grows with windows that ended in a completion, shrinks with those that did not
  int skipped_ = 0;  // posts not spun for since the score reached zero
};

}  // namespace isorun
