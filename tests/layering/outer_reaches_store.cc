// Compiled by the `layering.*` tests with MARA_OUTER_LAYER defined, as the
// CLI, the HTTP API and the report renderer are: reaching the store around
// the service layer must stop the build (src/storage/inner_layer.h).
#if defined(MARA_LAYERING_CORE)
#include "service/core.h"
#elif defined(MARA_LAYERING_STORE)
#include "storage/store.h"
#elif defined(MARA_LAYERING_INGEST)
#include "ingest/bundle.h"
#else
// The public service headers the outer layers use compile there.
#include "report/builder.h"
#include "service/audit.h"
#include "service/authorized.h"
#include "service/incidents.h"
#include "service/registry.h"
#include "service/report_input.h"
#include "service/store_transfer.h"
#include "service/visibility.h"
#endif

int main() { return 0; }
