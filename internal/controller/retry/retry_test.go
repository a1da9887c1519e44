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
package retry

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

func TestOnConflictRequeuesWithoutAnError(t *testing.T) {
	conflict := apierrors.NewConflict(schema.GroupResource{Group: "fleet.kurator.dev", Resource: "fleets"}, "global", errors.New("the object has been modified"))
	broken := errors.New("broken")
	for _, tc := range []struct {
		name    string
		res     reconcile.Result
		err     error
		wantRes reconcile.Result
		wantErr error
	}{
		{name: "a conflict", err: conflict, wantRes: reconcile.Result{RequeueAfter: ConflictRetry}},
		{name: "a wrapped conflict", err: fmt.Errorf("update status: %w", conflict), wantRes: reconcile.Result{RequeueAfter: ConflictRetry}},
		{name: "another error stays one", err: broken, wantErr: broken},
		{name: "a result passes", res: reconcile.Result{RequeueAfter: time.Second}, wantRes: reconcile.Result{RequeueAfter: time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := OnConflict(reconcile.Func(func(context.Context, reconcile.Request) (reconcile.Result, error) { return tc.res, tc.err }))
			res, err := r.Reconcile(context.Background(), reconcile.Request{})
			if res != tc.wantRes || !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, %v; want %v, %v", res, err, tc.wantRes, tc.wantErr)
			}
		})
	}
}
