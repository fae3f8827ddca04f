// Counting every allocation of a test program: counting_new.cc replaces
// the global operator new (every form, so each delete frees what its own
// new allocated; simdjson uses the nothrow forms). A program that compiles
// it in can prove a path allocates nothing: the count before and after.
#pragma once

#include <cstdint>

namespace datablox::brio {

// Allocations through any operator new since the program started.
uint64_t AllocationCount();

}  // namespace datablox::brio
