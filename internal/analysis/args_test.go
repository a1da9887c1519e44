/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package analysis

import (
	"maps"
	"strings"
	"testing"

	"k8s.io/utils/ptr"

	"kurator.dev/kurator/api/argoproj/v1alpha1"
)

func TestResolveArgs(t *testing.T) {
	declared := []v1alpha1.Argument{
		{Name: "service-name"},
		{Name: "threshold", Value: ptr.To("0.95")},
		{Name: "window", Value: ptr.To("5m")},
	}
	got, err := ResolveArgs(declared, map[string]string{"service-name": "reviews", "window": "1m", "cluster": "member1"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"service-name": "reviews", "threshold": "0.95", "window": "1m", "cluster": "member1"}
	if !maps.Equal(got, want) {
		t.Errorf("args = %v, want %v (given values win, defaults fill in, undeclared given values are kept)", got, want)
	}
	// An empty given value is a value.
	if got, err := ResolveArgs([]v1alpha1.Argument{{Name: "cluster"}}, map[string]string{"cluster": ""}); err != nil || got["cluster"] != "" {
		t.Errorf("empty given value: args %v, err %v", got, err)
	}
}

func TestResolveArgsErrorsNameTheArg(t *testing.T) {
	cases := []struct {
		name string
		arg  v1alpha1.Argument
		want string
	}{
		{"no value", v1alpha1.Argument{Name: "service-name"}, "args.service-name has no value"},
		{"secret", v1alpha1.Argument{Name: "api-key", ValueFrom: &v1alpha1.ValueFrom{SecretKeyRef: &v1alpha1.SecretKeyRef{Name: "s", Key: "k"}}},
			"args.api-key: valueFrom.secretKeyRef is not supported by Kurator"},
		{"field", v1alpha1.Argument{Name: "hash", ValueFrom: &v1alpha1.ValueFrom{FieldRef: &v1alpha1.FieldRef{FieldPath: "metadata.labels['h']"}}},
			"args.hash: valueFrom.fieldRef is not supported by Kurator"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ResolveArgs([]v1alpha1.Argument{tc.arg}, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
	// A value given by the caller makes valueFrom unnecessary.
	secret := v1alpha1.Argument{Name: "api-key", ValueFrom: &v1alpha1.ValueFrom{SecretKeyRef: &v1alpha1.SecretKeyRef{Name: "s", Key: "k"}}}
	if _, err := ResolveArgs([]v1alpha1.Argument{secret}, map[string]string{"api-key": "given"}); err != nil {
		t.Errorf("given value for a valueFrom arg: %v", err)
	}
	// Every missing arg is named at once.
	_, err := ResolveArgs([]v1alpha1.Argument{{Name: "a"}, {Name: "b"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "args.a") || !strings.Contains(err.Error(), "args.b") {
		t.Errorf("error = %v, want both args.a and args.b named", err)
	}
}

func TestSubstitute(t *testing.T) {
	args := map[string]string{"service-name": "reviews", "ns": "prod", "empty": ""}
	cases := []struct {
		in, want, wantErr string
	}{
		{in: `up{svc="{{args.service-name}}"}`, want: `up{svc="reviews"}`},
		{in: `{{ args.service-name }}.{{args.ns}}`, want: `reviews.prod`},
		{in: `x{{args.empty}}y`, want: `xy`},
		{in: `sum(rate(x{a="b"}[5m]))`, want: `sum(rate(x{a="b"}[5m]))`},
		{in: `{{args.missing}} and {{args.other}}`, wantErr: "cannot resolve {{args.missing}}, {{args.other}}: no such arg"},
		{in: `{{service-name}}`, wantErr: "cannot resolve {{service-name}}"},
		{in: `up{a="{{args.ns"}`, wantErr: "unterminated {{"},
	}
	for _, tc := range cases {
		got, err := Substitute(tc.in, args)
		switch {
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("Substitute(%q) error = %v, want %q", tc.in, err, tc.wantErr)
		case tc.wantErr == "" && (err != nil || got != tc.want):
			t.Errorf("Substitute(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestRunArgs(t *testing.T) {
	member := RunArgs("edge.eu-1", "prod", "reviews")
	want := map[string]string{"cluster": "edge.eu-1", "cluster-regex": "edge[.]eu-1", "namespace": "prod", "workload": "reviews"}
	if !maps.Equal(member, want) {
		t.Errorf("RunArgs(member) = %v, want %v", member, want)
	}
	if fleet := RunArgs("", "prod", "reviews"); fleet["cluster"] != "" || fleet["cluster-regex"] != ".*" {
		t.Errorf("RunArgs(fleet-wide) = %v, want cluster empty and cluster-regex .*", fleet)
	}
}
