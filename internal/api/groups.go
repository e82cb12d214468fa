package api

import "time"

// Group is a group of users with its members.
type Group struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	Source    string        `json:"source"` // "local" or "sso"
	CreatedAt time.Time     `json:"created_at"`
	Members   []GroupMember `json:"members"`
}

// GroupMember is one user in a group. Source says who manages the
// membership: "sso" ones follow the identity provider's groups claim at
// each sign-in, "local" ones are left alone.
type GroupMember struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
	Source string `json:"source"`
}

// CreateGroupRequest is the body of POST /api/v1/groups.
type CreateGroupRequest struct {
	Name string `json:"name"`
}

// AddGroupMemberRequest is the body of POST /api/v1/groups/{name}/members.
type AddGroupMemberRequest struct {
	Email string `json:"email"`
}
