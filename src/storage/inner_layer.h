// The storage layer, and the service layer's own access to it, are inner
// layers: the CLI, the HTTP API and the report renderer reach the record
// only through the service layer, whose every operation takes the acting
// principal, checks its permission and records the change (docs/design.md,
// "The door"). Their targets are compiled with MARA_OUTER_LAYER defined,
// so including a header that reaches the store there stops the build.
#ifndef MARA_STORAGE_INNER_LAYER_H_
#define MARA_STORAGE_INNER_LAYER_H_

#ifdef MARA_OUTER_LAYER
#error "the store is reached only through the service layer: use a service/*.h operation"
#endif

#endif  // MARA_STORAGE_INNER_LAYER_H_
