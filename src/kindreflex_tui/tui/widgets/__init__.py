"""Widgets of the step screen: flow map, checklist, fields, repeats, the decision."""
