// Package storetest is the conformance suite that every store.Store backend
// must pass. A backend's test calls Run with a constructor of fresh,
// empty stores:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "sb.db"))
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// Import it only from _test.go files.
package storetest
