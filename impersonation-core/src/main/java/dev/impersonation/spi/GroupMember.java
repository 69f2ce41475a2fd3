package dev.impersonation.spi;

/**
 * One direct member of a group as the directory lists it, with whether it is itself a group (the nested-group check of
 * group scopes: {@code MemberOfGroup} and {@code -RecipientGroupScope} count direct members only).
 *
 * @param identity how to read it again: its object id, else its address
 * @param address its UPN or mail address (a group's mail), empty when it has none
 * @param group whether the member is a group
 */
public record GroupMember(String identity, String address, boolean group) {}
