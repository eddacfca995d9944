"""How records are read: one pager per paging style, windows, children, parallel fetching.

A stream declares its pager (`pager = V3Keyset(include=...)`); the stream base class
runs it inside the run's window (`windows`) and hands each page to the stream's
children (`children`). The pagers, by style:

| pager | module | for |
|:--|:--|:--|
| `V2Keyset`, `V3Keyset`, `WithDeleted` | `keyset` | lists by id keyset (orders) |
| `V3Cursor` | `subwindows` | incremental cursor lists, in parallel date parts (customers) |
| `CreatedWindow` | `numbered` | immutable records by `created` window (refunds) |
| `FullTablePages` | `numbered` | lists read whole every run |
| `Singleton`, `Unpaged` | `single` | one object (the profile), a list the API does not page |
| `PerParentWindow` | `per_parent` | a window of each parent's list (price list records) |
| `PerParent` | `per_parent` | a child list that costs a request per parent |
| `Embedded`, `Reread` | `embedded` | children inside the parents' payload, or re-read with it |

Pagers read through a `pages.PageSource` (the stream) and its store's context; they
never import a stream or the tap.
"""
