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

package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/yaml"

	configv1alpha1 "kurator.dev/kurator/api/config/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/interpreter/customization"
	"kurator.dev/kurator/internal/interpreter/luavm"
)

type interpretOptions struct {
	file, operation, object, desired, observed, statuses string
	replicas                                             int64
	check                                                bool
}

func newInterpretCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &interpretOptions{}
	cmd := &cobra.Command{
		Use:   "interpret [-f CUSTOMIZATION] (--check | --operation OPERATION --object FILE ...)",
		Short: "Run a resource interpreter operation on files, as the control plane would",
		Long: `Run one operation of the resource interpreter on objects in files, with no cluster: a
ResourceInterpreterCustomization's Lua or declarative rule when -f gives one (with the
same sandbox, limits and helper library as the controllers), else Kurator's built-in
interpretation of the object's kind.

Operations (Karmada's names; karmadactl's lower-case spelling works too):
  InterpretReplica     --object: the replicas and one replica's requirements
  ReviseReplica        --object, --desired-replica: the object with that many replicas
  Retain               --desired-file, --observed-file: what would be applied to the member
  InterpretStatus      --object (a member's copy): the status it reports
  InterpretHealth      --object (a member's copy): Healthy, Unhealthy or Unknown
  InterpretDependency  --object: the objects it needs in the same cluster
  AggregateStatus      --object (the template), --status-file: the template with its status;
                       the status file is a YAML list of {clusterName, status, health}

--check compiles every rule of the customisation and says which operations it
implements; it exits 1 if a rule does not compile.`,
		Example: `  kurator interpret -f customization.yaml --check
  kurator interpret -f customization.yaml --operation InterpretReplica --object workload.yaml
  kurator interpret -f customization.yaml --operation ReviseReplica --object workload.yaml --desired-replica 2
  kurator interpret -f customization.yaml --operation AggregateStatus --object workload.yaml --status-file statuses.yaml`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return runInterpret(streams.Out, o) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.file, "filename", "f", "", "the ResourceInterpreterCustomization (without it: the built-in interpretation)")
	f.StringVar(&o.operation, "operation", "", "the operation to run")
	f.StringVar(&o.object, "object", "", "the object to interpret")
	f.StringVar(&o.desired, "desired-file", "", "the desired object (Retain; elsewhere the same as --object)")
	f.StringVar(&o.observed, "observed-file", "", "the member's object (Retain; elsewhere the same as --object)")
	f.StringVar(&o.statuses, "status-file", "", "the members' statuses (AggregateStatus)")
	f.Int64Var(&o.replicas, "desired-replica", 0, "the replicas to write (ReviseReplica)")
	f.BoolVar(&o.check, "check", false, "compile the customisation's rules and list its operations")
	return cmd
}

// operationNames maps the spellings users type to operations.
var operationNames = map[string]interpreter.Operation{}

func init() {
	for _, op := range []interpreter.Operation{interpreter.OperationInterpretReplica, interpreter.OperationReviseReplica,
		interpreter.OperationRetain, interpreter.OperationAggregateStatus, interpreter.OperationInterpretStatus,
		interpreter.OperationInterpretHealth, interpreter.OperationInterpretDependency} {
		operationNames[strings.ToLower(string(op))] = op
	}
}

func runInterpret(w io.Writer, o *interpretOptions) error {
	var in interpreter.Interpreter
	var ric *configv1alpha1.ResourceInterpreterCustomization
	if o.file != "" {
		var err error
		if ric, err = readCustomization(o.file); err != nil {
			return err
		}
	}
	if o.check {
		if ric == nil {
			return UsageError{errors.New("--check needs -f CUSTOMIZATION")}
		}
		return checkCustomization(w, ric)
	}
	op, ok := operationNames[strings.ToLower(o.operation)]
	if !ok {
		return UsageError{fmt.Errorf("unknown --operation %q: use InterpretReplica, ReviseReplica, Retain, AggregateStatus, InterpretStatus, InterpretHealth or InterpretDependency", o.operation)}
	}
	objectFile := firstSet(o.object, o.desired, o.observed)
	if op == interpreter.OperationRetain {
		objectFile = firstSet(o.desired, o.object)
	}
	if objectFile == "" {
		return UsageError{fmt.Errorf("%s needs --object FILE", op)}
	}
	var target []string
	if ric != nil {
		target = []string{ric.Spec.Target.APIVersion, ric.Spec.Target.Kind}
	}
	obj, err := readObject(objectFile, target...)
	if err != nil {
		return err
	}
	if ric != nil {
		if ric.Spec.Target.APIVersion != obj.GetAPIVersion() || ric.Spec.Target.Kind != obj.GetKind() {
			return fmt.Errorf("%s customises %s %s, not %s %s", ric.Name, ric.Spec.Target.APIVersion, ric.Spec.Target.Kind, obj.GetAPIVersion(), obj.GetKind())
		}
		built := customization.Build(ric, customization.NewLuaScripts(luavm.Limits{}), nil)
		registry := interpreter.NewRegistry()
		registry.Register(built.Target, built.Operations)
		in = registry.For(built.Target)
	} else {
		in = interpreter.For(obj.GroupVersionKind())
	}
	result, err := interpretOnce(in, op, obj, o)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	data, err := yaml.Marshal(result)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

func interpretOnce(in interpreter.Interpreter, op interpreter.Operation, obj *unstructured.Unstructured, o *interpretOptions) (any, error) {
	switch op {
	case interpreter.OperationInterpretReplica:
		r, err := in.GetReplicas(obj)
		if err != nil || r == nil {
			return map[string]any{"replicas": nil, "note": "the kind has no replicas: it is propagated whole"}, err
		}
		out := map[string]any{"replicas": r.Replicas, "requirements": r.Requirements}
		if r.MinPerCluster > 1 {
			out["minReplicasPerCluster"] = r.MinPerCluster
		}
		return out, nil
	case interpreter.OperationReviseReplica:
		err := in.ReviseReplica(obj, interpreter.Share{Cluster: "member", Replicas: o.replicas, Seed: string(obj.GetUID())})
		return obj.Object, err
	case interpreter.OperationRetain:
		if o.observed == "" {
			return nil, UsageError{errors.New("the Retain operation needs --observed-file")}
		}
		observed, err := readObject(o.observed, obj.GetAPIVersion(), obj.GetKind())
		if err != nil {
			return nil, err
		}
		retained, err := in.Retain(obj, observed)
		if err != nil {
			return nil, err
		}
		return retained.Object, nil
	case interpreter.OperationInterpretStatus:
		raw, err := in.ReflectStatus(obj)
		if err != nil || raw == nil {
			return map[string]any{"status": nil}, err
		}
		var status any
		return map[string]any{"status": status}, json.Unmarshal(raw.Raw, &status)
	case interpreter.OperationInterpretHealth:
		return map[string]any{"health": in.InterpretHealth(obj)}, nil
	case interpreter.OperationInterpretDependency:
		deps, err := in.GetDependencies(obj)
		out := make([]map[string]string, len(deps))
		for i, d := range deps {
			out[i] = map[string]string{"apiVersion": d.APIVersion, "kind": d.Kind, "namespace": d.Namespace, "name": d.Name}
		}
		return out, err
	case interpreter.OperationAggregateStatus:
		members, err := readStatusItems(o.statuses)
		if err != nil {
			return nil, err
		}
		status, err := in.AggregateStatus(obj, members, time.Now())
		if err != nil {
			return nil, err
		}
		if status != nil {
			obj.Object["status"] = status
		}
		return obj.Object, nil
	}
	return nil, fmt.Errorf("unknown operation %s", op)
}

func checkCustomization(w io.Writer, ric *configv1alpha1.ResourceInterpreterCustomization) error {
	built := customization.Build(ric, customization.NewLuaScripts(luavm.Limits{}), nil)
	for _, err := range built.Errors {
		fmt.Fprintf(w, "%s: does not compile: %v\n", customization.OperationOf(err), err)
	}
	for _, op := range built.Operations.Implemented() {
		failed := false
		for _, err := range built.Errors {
			failed = failed || customization.OperationOf(err) == op
		}
		if !failed {
			fmt.Fprintf(w, "%s: ok\n", op)
		}
	}
	if len(built.Errors) > 0 {
		return fmt.Errorf("%s: %d rule(s) do not compile", ric.Name, len(built.Errors))
	}
	return nil
}

func readCustomization(file string) (*configv1alpha1.ResourceInterpreterCustomization, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	ric := &configv1alpha1.ResourceInterpreterCustomization{}
	if err := yaml.UnmarshalStrict(data, ric); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if ric.Kind != "ResourceInterpreterCustomization" {
		return nil, fmt.Errorf("%s is a %s, not a ResourceInterpreterCustomization", file, ric.Kind)
	}
	return ric, nil
}

// readObject reads the object in file: with several documents, the one of
// kind (apiVersion and kind) when given, else the first.
func readObject(file string, kind ...string) (*unstructured.Unstructured, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var first *unstructured.Unstructured
	for {
		obj := &unstructured.Unstructured{}
		if err := dec.Decode(&obj.Object); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if len(obj.Object) == 0 {
			continue
		}
		if len(kind) == 2 && obj.GetAPIVersion() == kind[0] && obj.GetKind() == kind[1] {
			return obj, nil
		}
		if first == nil {
			first = obj
		}
	}
	if first == nil {
		return nil, fmt.Errorf("%s has no object", file)
	}
	return first, nil
}

// statusItem is one entry of --status-file, as Karmada's statusItems.
type statusItem struct {
	ClusterName string                      `json:"clusterName"`
	Status      *runtime.RawExtension       `json:"status,omitempty"`
	Health      workv1alpha1.ResourceHealth `json:"health,omitempty"`
}

func readStatusItems(file string) ([]interpreter.MemberStatus, error) {
	if file == "" {
		return nil, UsageError{errors.New("AggregateStatus needs --status-file")}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var items []statusItem
	if err := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096).Decode(&items); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	out := make([]interpreter.MemberStatus, len(items))
	for i, item := range items {
		out[i] = interpreter.MemberStatus{Cluster: item.ClusterName, Status: item.Status, Health: item.Health, Current: true}
	}
	return out, nil
}

func firstSet(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
