/*
 * malloc-trim.node: one function, trim(), that asks glibc to give free heap memory back to the OS.
 *
 * glibc returns freed memory to the OS only from the top of the brk heap (and from mmapped
 * chunks). After a connect storm the heap is full of holes left by freed response and encoding
 * buffers between live allocations (HTTP/2 sessions, kept resources), so tens of MB stay resident
 * until malloc_trim(0) releases the whole pages inside those holes. Node has no call for it.
 *
 * Built by scripts/build-native.mjs with the system C compiler and no Node headers: the module uses
 * four Node-API functions, declared below with their documented, ABI-stable signatures
 * (https://nodejs.org/api/n-api.html), and resolved against the running node at load time.
 */
#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef struct napi_callback_info__ *napi_callback_info;
typedef int napi_status; /* napi_ok is 0 */
typedef napi_value (*napi_callback)(napi_env env, napi_callback_info info);

extern napi_status napi_create_function(napi_env env, const char *name, size_t length,
                                        napi_callback cb, void *data, napi_value *result);
extern napi_status napi_set_named_property(napi_env env, napi_value object, const char *name,
                                           napi_value value);
extern napi_status napi_get_boolean(napi_env env, bool value, napi_value *result);

/* trim(): true when glibc released memory to the OS. */
static napi_value trim(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value released = NULL;
  napi_get_boolean(env, malloc_trim(0) != 0, &released);
  return released;
}

__attribute__((visibility("default"))) napi_value napi_register_module_v1(napi_env env,
                                                                          napi_value exports) {
  napi_value fn = NULL;
  if (napi_create_function(env, "trim", (size_t)-1, trim, NULL, &fn) != 0) return NULL;
  if (napi_set_named_property(env, exports, "trim", fn) != 0) return NULL;
  return exports;
}
