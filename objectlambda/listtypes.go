package objectlambda

import "github.com/objectlambda/sdk-go/internal/listing"

// ListEntry is one object of a listing (a Contents element), as a
// [ListFilter] sees it.
type ListEntry = listing.Entry

// CommonPrefix is a key prefix that the delimiter rolled up, as a
// [CommonPrefixFilter] sees it.
type CommonPrefix = listing.CommonPrefix

// Owner is the owner of a listed object.
type Owner = listing.Owner

// RestoreStatus is the restore state of an archived object.
type RestoreStatus = listing.RestoreStatus
