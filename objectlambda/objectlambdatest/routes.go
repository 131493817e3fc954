package objectlambdatest

import (
	"fmt"
	"slices"
	"strconv"
)

// route is where an action goes: a function and the payload of its
// TransformationConfiguration.
type route struct {
	fn      invoker
	payload string
	name    string // the function's name in its ARN
}

var actionOps = map[string]operation{
	actGetObject: opGetObject, actHeadObject: opHeadObject, actListObjects: opListObjects, actListObjectsV2: opListObjectsV2,
}

// buildRoutes maps each routed action to its function, from WithActions and
// WithTransformationConfiguration, refusing what AWS refuses: unknown
// actions and an action routed twice.
func (ap *AccessPoint) buildRoutes() (map[operation]*route, error) {
	routes := map[operation]*route{}
	add := func(actions []string, rt *route) error {
		for _, a := range actions {
			op, ok := actionOps[a]
			if !ok {
				return fmt.Errorf("unknown action %q (want GetObject, HeadObject, ListObjects or ListObjectsV2)", a)
			}
			if _, dup := routes[op]; dup {
				return fmt.Errorf("action %s is routed to two functions", a)
			}
			routes[op] = rt
		}
		return nil
	}
	actions := ap.cfg.actions
	if actions == nil {
		actions = []string{actGetObject, actHeadObject, actListObjects, actListObjectsV2}
	}
	if ap.fn != nil {
		if err := add(actions, &route{fn: ap.fn, payload: ap.cfg.payload, name: functionName}); err != nil {
			return nil, err
		}
	}
	for i, tc := range ap.cfg.transformations {
		if tc.Function == nil {
			return nil, fmt.Errorf("transformation configuration %d has no function", i+1)
		}
		rt := &route{fn: inProcess{tc.Function}, payload: tc.Payload, name: functionName + "-" + strconv.Itoa(i+2)}
		if err := add(slices.Clone(tc.Actions), rt); err != nil {
			return nil, err
		}
	}
	return routes, nil
}
