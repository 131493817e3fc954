package transform

import "context"

// Chain returns a Transform that applies ts in order, each through Run. Its
// properties are those every member shares: the chain is RangeSafe only if
// every member is, and so on. An empty chain is Identity.
func Chain(ts ...Transform) Transform {
	flat := make(chain, 0, len(ts))
	for _, t := range ts {
		if t == nil {
			continue
		}
		if c, ok := t.(chain); ok {
			flat = append(flat, c...)
			continue
		}
		flat = append(flat, t)
	}
	return flat
}

type chain []Transform

func (c chain) Apply(ctx context.Context, in *Object) (*Object, error) {
	obj := in
	for _, t := range c {
		out, err := Run(ctx, t, obj)
		if err != nil {
			return nil, err
		}
		obj = out
	}
	return obj, nil
}

func (c chain) Properties() Properties {
	p := Properties{BodyUnchanged: true, LengthPreserving: true, RangeSafe: true}
	for _, t := range c {
		q := Describe(t)
		p.BodyUnchanged = p.BodyUnchanged && q.BodyUnchanged
		p.LengthPreserving = p.LengthPreserving && q.LengthPreserving
		p.RangeSafe = p.RangeSafe && q.RangeSafe
	}
	return p
}

// Identity passes the object through unchanged.
func Identity() Transform { return identity{} }

type identity struct{}

func (identity) Apply(_ context.Context, in *Object) (*Object, error) { return in, nil }
func (identity) Properties() Properties                               { return Properties{BodyUnchanged: true} }

// Declare attaches properties to t. Use it for a Func whose behaviour you know:
//
//	upper := transform.Declare(transform.Func(toUpper), transform.Properties{RangeSafe: true})
func Declare(t Transform, p Properties) Transform { return declared{t, p} }

type declared struct {
	t Transform
	p Properties
}

func (d declared) Apply(ctx context.Context, in *Object) (*Object, error) { return d.t.Apply(ctx, in) }
func (d declared) Properties() Properties                                 { return d.p }
