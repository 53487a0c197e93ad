// The PostgreSQL backend of Store (see storage/store.h for the contract),
// selected by a postgresql:// (or postgres://) URL. Behaves exactly as the
// SQLite store: the conformance suite storage/store_test.cc runs every test
// against both.
//
// How the guarantees are kept on a server shared by many processes:
// - Writers are serialised like SQLite's BEGIN IMMEDIATE: Begin() takes a
//   transaction-level advisory lock (waiting at most 5 s, then kIOError
//   "locked by another writer"), so an import, a decision or an audit-logged
//   change sees every earlier commit and no other writer interleaves with it.
//   Two imports at once therefore end as if run one after the other. Readers
//   never wait (MVCC), and every scan reads one snapshot.
// - The audit chain's head is one row updated in the same transaction as
//   the record appended, read with SELECT ... FOR UPDATE; the record's seq is
//   the primary key and its prev_hash is unique, so neither a gap nor a fork
//   can be stored even by a writer that bypasses the store.
// - Incidents whose ids ascend past every stored id (a first import, an
//   append) stream through COPY inside the transaction; any other id takes
//   the exact insert-or-update path, so outcomes are those of SQLite.
// - Connections come from a process-wide pool per URL (pg.h); a store holds
//   one for its lifetime and hands it back, outside any transaction, when
//   destroyed. A store destroyed with an open transaction rolls it back.
//
// The database must exist (the administrator creates it, docs/deployment.md);
// the store creates its tables in the connection's current schema when
// options.create_if_missing, and reports kNotFound otherwise.
#ifndef MARA_STORAGE_POSTGRES_POSTGRES_STORE_H_
#define MARA_STORAGE_POSTGRES_POSTGRES_STORE_H_

#include <memory>
#include <string>
#include <string_view>

#include "storage/store.h"

namespace mara {

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url,
                                                 const StoreOptions& options);

// True for a URL that selects this backend.
bool IsPostgresUrl(std::string_view url);

}  // namespace mara

#endif  // MARA_STORAGE_POSTGRES_POSTGRES_STORE_H_
