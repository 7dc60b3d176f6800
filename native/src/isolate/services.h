// What every guest needs from the engine that owns it: threads, the watchdog, Node's platform.
#pragma once

#include <atomic>
#include <cstdint>

#include <node.h>

#include "lib/background_queue.h"
#include "lib/thread_pool.h"
#include "lib/timer_thread.h"

namespace isorun {

struct EngineCounters {
  std::atomic<uint64_t> isolates_created{0};
  std::atomic<uint64_t> isolates_disposed{0};
  std::atomic<uint64_t> isolates_made_ahead{0};  // of isolates_created, taken from SpareIsolate
};

struct Services {
  ThreadPool* pool;
  TimerThread* timers;
  // Frees large guest heaps off the pool (Environment::Dispose).
  BackgroundQueue* retirer;
  node::MultiIsolatePlatform* platform;
  EngineCounters* counters;
};

}  // namespace isorun
