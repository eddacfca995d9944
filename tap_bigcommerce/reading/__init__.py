"""How records are read: one pager per paging style, windows, children, parallel fetching.

A stream declares its pager (`pager = V3Keyset(include=...)`); the stream base class
runs it inside the run's window (`windows`) and hands each page to the stream's
children (`children`). The pagers, by style:

| pager | module | for |
|:--|:--|:--|
| `V2Keyset`, `V3Keyset` | `keyset` | lists by id keyset, in id ranges (`ranges`) at once |
| `WithDeleted` | `deleted` | orders, then their deleted ones, read alongside (`handoff`) |
| `V3Cursor` | `subwindows` | incremental cursor lists, in parallel date parts (customers) |
| `CreatedWindow` | `numbered` | immutable records by `created` window (refunds) |
| `FullTablePages` | `numbered` | lists read whole every run |
| `Singleton` | `single` | one object (the store's profile) |
| `Unpaged`, `OffsetPages` | `lists` | lists without paging (shipping zones), offset pages (sites) |
| `Settings` | `settings` | a settings object per store, and per storefront channel |
| `PerParentWindow` | `per_parent` | a window of each parent's list (price list records) |
| `PerParent` | `per_parent` | a child list that costs a request per parent |
| `Embedded`, `Reread` | `embedded` | children inside the parents' payload, or re-read with it |

Pagers read through a `pages.PageSource` (the stream) and its store's context; they
never import a stream or the tap.
"""
