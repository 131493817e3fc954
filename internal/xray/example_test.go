package xray_test

import (
	"fmt"

	"github.com/objectlambda/sdk-go/internal/xray"
)

func ExampleParse() {
	h, ok := xray.Parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
	fmt.Println(ok, h.Root, h.HasParent, h.Sampled)
	fmt.Println(xray.Format(h.TraceID, h.Parent, false))
	// Output:
	// true 1-5759e988-bd862e3fe1be46a994272793 true true
	// Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0
}
