// Package catalog is the procedure catalog (danh mục thủ tục hành chính): procedures
// with their national codes, fields, legal processing times, fees, required papers,
// online levels and online forms; the internal workflow (quy trình nội bộ) that drives
// every dossier of a procedure; the versioning rules; the diacritic-insensitive search
// folding; and the JSON exchange format a province uses to share its catalog with its
// communes, with the sample catalog shipped as data.
//
// The package is pure: no I/O, no clock, no database. Storage, pages and the API wrap
// it; they store [Fold] of [Procedure.SearchText] in a column so that search behaves
// the same in SQL as [Matches] does here.
//
// Three rule sets are kept apart on purpose:
//
//   - [Procedure.Validate] holds the structural rules every stored version must meet,
//     drafts included, so that an editor can save work in progress.
//   - [Procedure.Warnings] are the editor's notices (the workflow's budgets exceed the
//     legal time, an online procedure without an online form). A draft may carry them.
//   - [Procedure.ValidateForPublish] is both together: nothing is published, and no
//     dossier is received, under a workflow that cannot meet the legal time.
//
// All validation reports every problem at once, each naming the procedure and the
// field ([Problem]), because an administrator fixing an imported file of two hundred
// procedures should not discover the mistakes one at a time.
package catalog
