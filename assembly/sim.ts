export function simPlaceholder(): i32 { return 0; }
